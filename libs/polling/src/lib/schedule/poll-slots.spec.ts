import fc from 'fast-check';
import { firstSlotAfter, phaseOf, slotAfterPoll } from './poll-slots';

describe('poll slots', () => {
  it('spreads instances over the whole interval instead of the top of the minute', () => {
    const interval = 60_000;
    const buckets = new Array<number>(6).fill(0);
    for (let id = 1; id <= 6000; id++) {
      const bucket = Math.floor(phaseOf(id, interval) / 10_000);
      buckets[bucket] = (buckets[bucket] ?? 0) + 1;
    }
    for (const count of buckets) expect(count).toBeGreaterThan(800);
    for (const count of buckets) expect(count).toBeLessThan(1200);
  });

  it('places every slot on the phase, strictly after the time, within one interval', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 42 }), fc.integer({ min: 1, max: 3_600_000 }), fc.nat(), (time, interval, seed) => {
        const phase = seed % interval;
        const slot = firstSlotAfter(time, interval, phase);
        expect(slot).toBeGreaterThan(time);
        expect(slot - time).toBeLessThanOrEqual(interval);
        expect((((slot - phase) % interval) + interval) % interval).toBe(0);
      }),
    );
  });

  it('moves a finished poll one interval on, or to the next slot after now when it ran late', () => {
    expect(slotAfterPoll(60_000, 60_000, 0, 60_500)).toBe(120_000);
    expect(slotAfterPoll(60_000, 60_000, 0, 250_000)).toBe(300_000);
  });
});
