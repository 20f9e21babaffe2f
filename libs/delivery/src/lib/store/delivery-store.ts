import { FailurePolicy } from '@connector-events/messaging';

export const DELIVERY_STATES = ['pending', 'queued', 'delivered', 'dropped'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** A notification to deliver to one callback URL. */
export interface NewDelivery {
  readonly eventId: string;
  readonly instanceId: number;
  readonly organizationId: number;
  readonly callbackId: string;
  readonly callbackUrl: string;
  readonly host: string;
  /** The exact bytes every attempt sends (and signs). */
  readonly body: string;
}

/** A delivery this process has claimed for one attempt, until its lease ends. */
export interface ClaimedDelivery extends NewDelivery {
  readonly id: string;
  /** Attempts made before this one. */
  readonly attempts: number;
  readonly inOrder: boolean;
}

/** What an attempt leaves behind, for the row. */
export interface AttemptRecord {
  readonly attempts: number;
  readonly statusCode?: number;
  readonly error?: string;
}

export interface RedeliveryFilter {
  readonly organizationId: number;
  readonly instanceId?: number;
  readonly callbackUrl?: string;
}

/**
 * The notifier's tables. Every change is one SQL statement (no transaction held across an HTTP
 * call or another query), so it works the same on PostgreSQL and on the embedded PGlite's
 * single shared connection; completions are fenced by the lease owner, so a process whose
 * lease ran out cannot overwrite the attempt of the one that took over.
 */
export interface DeliveryStore {
  /**
   * Records the delivery unless it exists (same event, same callback); `queued` when the callback
   * is deactivated. With `lease`, a `pending` row is recorded already claimed by that owner (the
   * caller attempts it at once, skipping a claim).
   */
  enqueue(delivery: NewDelivery, lease?: { readonly owner: string; readonly leaseMs: number }): Promise<{ id: string; state: DeliveryState } | undefined>;
  /**
   * Claims up to `limit` due deliveries for `leaseMs`, none to the `excludedHosts` (those at
   * their concurrency limit here), and of the deliveries redelivered in order only the first of
   * each callback. Other processes skip what is claimed.
   */
  claim(owner: string, limit: number, leaseMs: number, excludedHosts: readonly string[]): Promise<ClaimedDelivery[]>;
  /** Gives claimed deliveries back without an attempt. */
  release(owner: string, ids: readonly string[]): Promise<void>;
  markDelivered(owner: string, id: string, attempt: AttemptRecord): Promise<void>;
  /** Due again after `delayMs`, or queued if its callback was deactivated meanwhile. */
  scheduleRetry(owner: string, id: string, attempt: AttemptRecord, delayMs: number): Promise<void>;
  /** Deactivates the callback, queues this delivery and every other one waiting for the same callback. */
  deactivateAndQueue(owner: string, delivery: ClaimedDelivery, attempt: AttemptRecord, reason: string): Promise<void>;
  /** The instance is gone or no longer wants notifications: never attempted again. */
  drop(owner: string, id: string, reason: string): Promise<void>;
  /** Reactivates the callbacks and makes their queued deliveries due, to be sent one at a time in queue order. */
  redeliverQueued(filter: RedeliveryFilter, callbackIds: readonly string[]): Promise<number>;
  /** Makes one event's deliveries due again, whatever became of them. */
  redeliverEvent(organizationId: number, instanceId: number, eventId: string): Promise<number>;
  failurePolicy(organizationId: number): Promise<FailurePolicy | undefined>;
  setFailurePolicy(organizationId: number, policy: FailurePolicy): Promise<void>;
  /** Deliveries per waiting state, for the gauge. */
  countWaiting(): Promise<Record<'pending' | 'queued', number>>;
  /** Drops delivered and dropped rows older than `before`; returns how many. */
  prune(before: Date): Promise<number>;
}
