import { DeliveryOutcome, FailurePolicy } from '@connector-events/messaging';
import { CallbackResponse } from '../http/callback-client';

/** What to do after one attempt. */
export type AttemptDecision =
  | { readonly kind: 'delivered'; readonly outcome: 'DELIVERED' }
  | { readonly kind: 'retry'; readonly outcome: 'RETRY_SCHEDULED'; readonly delayMs: number }
  /** The callback is deactivated; this delivery and later ones wait in the queue for a redelivery. */
  | { readonly kind: 'deactivate'; readonly outcome: Extract<DeliveryOutcome, 'QUEUED' | 'CALLBACK_DISABLED'>; readonly reason: string };

export interface RetrySchedule {
  /** Wait before retry n (from 0); its length is the number of retries. */
  readonly delaysMs: readonly number[];
  /** Up to this fraction longer, at random, so failed callbacks are not all retried at once. */
  readonly jitter: number;
}

/** A `Retry-After` longer than this is not believed; the callback waits a day at most. */
export const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;

/**
 * The Open Connectors failure rules: a 2xx delivers; `410 Gone` deactivates the callback at
 * once; under the `queue` policy any failure does; otherwise a failure is retried on the
 * schedule (a later `Retry-After` or a 429's wins) until the retries run out, which
 * deactivates the callback.
 */
export function decideAfterAttempt(input: {
  readonly response: CallbackResponse;
  /** This attempt's number, from 1. */
  readonly attempt: number;
  readonly schedule: RetrySchedule;
  readonly policy: FailurePolicy;
  readonly random?: () => number;
}): AttemptDecision {
  const { response, attempt, schedule, policy } = input;
  const status = response.statusCode;
  if (status !== undefined && status >= 200 && status < 300) return { kind: 'delivered', outcome: 'DELIVERED' };
  if (status === 410) return { kind: 'deactivate', outcome: 'CALLBACK_DISABLED', reason: 'the callback answered 410 Gone' };
  const failure = status === undefined ? (response.error ?? 'no answer') : `HTTP ${status}`;
  if (policy === 'queue') return { kind: 'deactivate', outcome: 'QUEUED', reason: `failure policy queue: ${failure}` };
  const retry = attempt - 1;
  const base = schedule.delaysMs[retry];
  if (base === undefined) {
    return { kind: 'deactivate', outcome: 'CALLBACK_DISABLED', reason: `no 2xx after ${attempt} attempts (last: ${failure})` };
  }
  const jittered = base * (1 + (input.random ?? Math.random)() * schedule.jitter);
  const asked = response.retryAfterMs === undefined ? 0 : Math.min(response.retryAfterMs, MAX_RETRY_AFTER_MS);
  return { kind: 'retry', outcome: 'RETRY_SCHEDULED', delayMs: Math.round(Math.max(jittered, asked)) };
}
