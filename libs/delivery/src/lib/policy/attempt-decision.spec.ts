import fc from 'fast-check';
import { decideAfterAttempt } from './attempt-decision';

const schedule = { delaysMs: [8_000, 64_000, 512_000, 4_096_000, 32_768_000], jitter: 0.2 };
const failed = { statusCode: 500, durationMs: 3 };

describe('decideAfterAttempt', () => {
  it('delivers on any 2xx', () => {
    for (const statusCode of [200, 201, 202, 204, 299]) {
      expect(decideAfterAttempt({ response: { statusCode, durationMs: 1 }, attempt: 1, schedule, policy: 'retry' }).kind).toBe('delivered');
    }
  });

  it('retries 5 times on the 2^(3x) s schedule, then deactivates the callback', () => {
    const delays = [1, 2, 3, 4, 5].map((attempt) => decideAfterAttempt({ response: failed, attempt, schedule, policy: 'retry', random: () => 0 }));
    expect(delays.map((d) => (d.kind === 'retry' ? d.delayMs : d.kind))).toEqual([8_000, 64_000, 512_000, 4_096_000, 32_768_000]);
    expect(decideAfterAttempt({ response: failed, attempt: 6, schedule, policy: 'retry' })).toEqual({
      kind: 'deactivate',
      outcome: 'CALLBACK_DISABLED',
      reason: 'no 2xx after 6 attempts (last: HTTP 500)',
    });
  });

  it('adds at most the jitter fraction, never less than the schedule', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.double({ min: 0, max: 0.9999, noNaN: true }), (attempt, r) => {
        const decision = decideAfterAttempt({ response: { durationMs: 1, error: 'ECONNREFUSED' }, attempt, schedule, policy: 'retry', random: () => r });
        const base = schedule.delaysMs[attempt - 1] as number;
        return decision.kind === 'retry' && decision.delayMs >= base && decision.delayMs <= base * 1.2 + 1;
      }),
    );
  });

  it('honours a longer Retry-After (429 or any failure), capped at a day', () => {
    const asked = decideAfterAttempt({ response: { statusCode: 429, durationMs: 1, retryAfterMs: 120_000 }, attempt: 1, schedule, policy: 'retry', random: () => 0 });
    expect(asked).toEqual({ kind: 'retry', outcome: 'RETRY_SCHEDULED', delayMs: 120_000 });
    const shorter = decideAfterAttempt({ response: { statusCode: 429, durationMs: 1, retryAfterMs: 1_000 }, attempt: 1, schedule, policy: 'retry', random: () => 0 });
    expect(shorter).toMatchObject({ delayMs: 8_000 });
    const huge = decideAfterAttempt({ response: { statusCode: 503, durationMs: 1, retryAfterMs: 9e12 }, attempt: 1, schedule, policy: 'retry', random: () => 0 });
    expect(huge).toMatchObject({ delayMs: 24 * 3600 * 1000 });
  });

  it('deactivates at once on 410 Gone, and on any failure under the queue policy', () => {
    expect(decideAfterAttempt({ response: { statusCode: 410, durationMs: 1 }, attempt: 1, schedule, policy: 'retry' })).toMatchObject({
      kind: 'deactivate',
      outcome: 'CALLBACK_DISABLED',
    });
    expect(decideAfterAttempt({ response: { durationMs: 1, error: 'timeout' }, attempt: 1, schedule, policy: 'queue' })).toMatchObject({
      kind: 'deactivate',
      outcome: 'QUEUED',
    });
    expect(decideAfterAttempt({ response: { statusCode: 200, durationMs: 1 }, attempt: 1, schedule, policy: 'queue' }).kind).toBe('delivered');
  });
});
