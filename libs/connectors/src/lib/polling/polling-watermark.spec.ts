import fc from 'fast-check';
import { ConnectorError } from '../core/connector-error';
import { normalizePolledRecords } from './polled-records-normalizer';
import { PollerResourceConfiguration } from './poller-resource-configuration';
import { nextPollingWatermark } from './polling-watermark';

/** Property runs take seconds; a machine busy with other suites must not turn them into timeouts. */
const PROPERTY_TIMEOUT_MS = 60_000;

const at = (iso: string) => new Date(iso);
const previous = at('2024-01-01T10:00:00.000Z');
const pollDate = at('2024-01-01T10:15:00.000Z');

describe('nextPollingWatermark', () => {
  it('after a complete poll, moves to the poll date, also when records came back', () => {
    expect(nextPollingWatermark({ previous, updatedDates: [], pollDate })).toEqual(pollDate);
    expect(nextPollingWatermark({ previous, updatedDates: [at('2024-01-01T10:05:00Z'), undefined], pollDate })).toEqual(pollDate);
  });

  it('follows a provider clock that runs ahead of ours', () => {
    const ahead = at('2024-01-01T10:15:02.500Z');
    expect(nextPollingWatermark({ previous, updatedDates: [at('2024-01-01T10:05:00Z'), ahead], pollDate })).toEqual(ahead);
  });

  it('never goes backwards', () => {
    const later = at('2024-01-01T11:00:00Z');
    expect(nextPollingWatermark({ previous: later, updatedDates: [at('2024-01-01T10:05:00Z')], pollDate })).toEqual(later);
    expect(nextPollingWatermark({ previous: later, updatedDates: [at('2024-01-01T10:05:00Z')], pollDate, complete: false })).toEqual(later);
  });

  it('after an incomplete poll, resumes just before the newest record read', () => {
    const newest = at('2024-01-01T10:07:00.000Z');
    expect(nextPollingWatermark({ previous, updatedDates: [at('2024-01-01T10:01:00Z'), newest], pollDate, complete: false })).toEqual(
      at('2024-01-01T10:06:59.999Z'),
    );
    // Without readable dates it cannot tell how far it got.
    expect(nextPollingWatermark({ previous, updatedDates: [undefined, new Date(Number.NaN)], pollDate, complete: false })).toEqual(previous);
  });

  it('refuses an invalid previous watermark or poll date', () => {
    expect(() => nextPollingWatermark({ previous: new Date(Number.NaN), updatedDates: [], pollDate })).toThrow(ConnectorError);
    expect(() => nextPollingWatermark({ previous, updatedDates: [], pollDate: new Date(Number.NaN) })).toThrow(/pollDate/);
  });

  it('keeps its promises for any input', () => {
    const date = fc.date({ noInvalidDate: true, min: at('2000-01-01T00:00:00Z'), max: at('2100-01-01T00:00:00Z') });
    fc.assert(
      fc.property(date, date, fc.array(fc.option(date, { nil: undefined }), { maxLength: 10 }), fc.boolean(), (before, polled, updated, complete) => {
        const next = nextPollingWatermark({ previous: before, updatedDates: updated, pollDate: polled, complete });
        expect(next.getTime()).toBeGreaterThanOrEqual(before.getTime());
        const newest = Math.max(...updated.map((d) => d?.getTime() ?? Number.NEGATIVE_INFINITY));
        if (complete) expect(next.getTime()).toBeGreaterThanOrEqual(polled.getTime());
        else expect(next.getTime()).toBeLessThanOrEqual(Math.max(before.getTime(), newest));
      }),
    );
  }, PROPERTY_TIMEOUT_MS);

  /**
   * Polls against a provider whose search index shows each change up to `pollDelay` late,
   * querying `updated >= watermark - pollDelay` as the adapters' templates do.
   */
  describe('over many polls through a lagging index', () => {
    const configuration: PollerResourceConfiguration = { url: '/search', idField: 'id', datesConfiguration: { updatedDateField: 'updatedAt' } };
    const descriptor = { elementKey: 'hubspot', aliases: [], displayName: 'HubSpot', hubKey: 'crm', eventsMethods: ['polling' as const], objects: [] };
    const start = at('2024-01-01T00:00:00Z').getTime();

    function simulate(changes: { id: string; updated: number; visible: number }[], pollDelayMs: number, intervalMs: number, polls: number): Map<string, number> {
      const reported = new Map<string, number>();
      let watermark = new Date(start);
      for (let k = 1; k <= polls; k++) {
        const now = start + k * intervalMs;
        const since = new Date(watermark.getTime() - pollDelayMs);
        const answer = changes
          .filter((change) => change.visible <= now && change.updated >= since.getTime())
          .map((change) => ({ id: change.id, updatedAt: new Date(change.updated).toISOString() }));
        const page = normalizePolledRecords({ descriptor, objectType: 'contacts', records: answer, configuration, since, pollDate: new Date(now) });
        for (const event of page.events) reported.set(event.objectId, (reported.get(event.objectId) ?? 0) + 1);
        watermark = nextPollingWatermark({ previous: watermark, updatedDates: [page.latestUpdatedDate], pollDate: new Date(now) });
      }
      return reported;
    }

    it('reports a change inside the pollDelay window again once, not at every later poll', () => {
      // Changed 30 s before the first poll; nothing changes afterwards.
      const reported = simulate([{ id: 'a', updated: start + 30_000, visible: start + 30_000 }], 60_000, 60_000, 10);
      expect(reported.get('a')).toBe(2);
    });

    it('never loses a change and repeats it at most 1 + ceil(pollDelay / interval) times', () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 0, max: 180 }),
          fc.integer({ min: 60, max: 900 }),
          fc.array(fc.tuple(fc.nat(10_000), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 15 }),
          (delaySeconds, intervalSeconds, raw) => {
            const polls = 8;
            const pollDelayMs = delaySeconds * 1000;
            const intervalMs = intervalSeconds * 1000;
            const changes = raw.map(([offset, lagShare], index) => {
              const updated = start + 1 + ((offset * 997) % (polls * intervalMs));
              return { id: `c${index}`, updated, visible: updated + Math.floor(lagShare * pollDelayMs) };
            });
            const reported = simulate(changes, pollDelayMs, intervalMs, polls);
            const bound = 1 + Math.ceil(pollDelayMs / intervalMs);
            for (const change of changes) {
              const count = reported.get(change.id) ?? 0;
              if (change.visible <= start + polls * intervalMs) expect(count).toBeGreaterThanOrEqual(1);
              expect(count).toBeLessThanOrEqual(bound);
            }
          },
        ),
      );
    }, PROPERTY_TIMEOUT_MS);
  });
});
