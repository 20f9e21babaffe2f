/** Settings of the notifier a deployment never changes; tests and benchmarks do. */
export interface DeliveryOptions {
  /** Consumer group on `oc.events.notifications.v1`. Default NOTIFIER_CONSUMER_GROUP. */
  readonly groupId?: string;
  /** PostgreSQL schema of the delivery state. Default `notifier`; tests use their own. */
  readonly schema?: string;
  /** How long a notification waits for an instance this process has not seen yet. Default 10 s. */
  readonly unknownInstanceWaitMs?: number;
  /** How often due retries are looked for when nothing wakes the scheduler. Default 250 ms. */
  readonly pollIntervalMs?: number;
}

export const DELIVERY_OPTIONS = Symbol('DELIVERY_OPTIONS');

/** The registry `/metrics` serves; provided by the process root (libs/runtime). */
export { PROMETHEUS_REGISTRY } from '@connector-events/config';

export const DELIVERY_DEFAULTS = {
  unknownInstanceWaitMs: 10_000,
  pollIntervalMs: 250,
  /** Claims at most this many deliveries per query. */
  claimBatch: 64,
  /** A claim lasts the callback timeout plus this; a crashed process's claims come back after it. */
  leaseMarginMs: 30_000,
  /** Delivered and dropped rows are kept this long, so a notification read twice is not sent twice. */
  retentionMs: 7 * 24 * 3600 * 1000,
  pruneEveryMs: 3600 * 1000,
} as const;
