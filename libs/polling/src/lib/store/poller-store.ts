import { RefreshedTokensStore, StoredTokens } from '@connector-events/provider-sessions';
/** An instance the poller polls, as the schedule keeps it. */
export interface ScheduleEntry {
  readonly instanceId: number;
  readonly elementKey: string;
  readonly instanceVersion: number;
  readonly intervalMs: number;
  /** When events were enabled: where the first poll starts (no backfill). */
  readonly enabledAt: Date;
  /** The first slot to poll at, when the row is new or its interval changes. */
  readonly firstDueAt: Date;
}

/** One poll claimed by this process: the slot it was due at and the lease that fences it. */
export interface ClaimedPoll {
  readonly instanceId: number;
  readonly elementKey: string;
  readonly dueAt: Date;
  readonly intervalMs: number;
  readonly enabledAt: Date;
  readonly failures: number;
  readonly leaseToken: string;
  /** How far behind its slot the poll was claimed, by the database clock. */
  readonly lagMs: number;
  /** Where each resource stands, read with the claim (this enablement's only). */
  readonly watermarks: ReadonlyMap<string, ResourceWatermark>;
  /** Tokens the poller refreshed for the instance, read with the claim. */
  readonly refreshedTokens?: StoredTokens;
}

/** The state of one resource of an instance between polls. */
export interface ResourceWatermark {
  readonly watermark: Date;
  /** Record id → updated date (ms) of records reported inside the `pollDelay` window. */
  readonly recent: Readonly<Record<string, number>>;
}

export interface FinishedPoll {
  readonly watermarks: ReadonlyMap<string, ResourceWatermark>;
  readonly nextPollAt: Date;
  readonly failures: number;
  readonly outcome: string;
}

/** A wanted (or no longer wanted) provider webhook subscription. */
export interface SubscriptionEntry {
  readonly instanceId: number;
  readonly resource: string;
  readonly elementKey: string;
  readonly instanceVersion: number;
}

export interface ClaimedSubscription {
  readonly instanceId: number;
  readonly resource: string;
  readonly elementKey: string;
  readonly wanted: boolean;
  readonly subscriptionId?: string;
  readonly expiresAt?: Date;
  readonly failures: number;
  readonly leaseToken: string;
}

export type SubscriptionOutcome =
  | { readonly kind: 'active'; readonly subscriptionId: string; readonly expiresAt: Date; readonly renewAt: Date }
  | { readonly kind: 'removed' }
  | { readonly kind: 'retry'; readonly at: Date; readonly failures: number };

/** What the poller keeps in its own schema; every operation is scoped to one deployment. */
export interface PollerStore extends RefreshedTokensStore {
  /** Adds or updates an instance's schedule from a newer snapshot; re-enabling starts a new enablement. */
  schedule(scope: string, entry: ScheduleEntry): Promise<void>;
  /** Stops polling from this snapshot version on (events disabled, or no longer polled). */
  disable(scope: string, instanceId: number, instanceVersion: number): Promise<void>;
  /** Forgets a deleted instance's schedule and watermarks. */
  forget(scope: string, instanceId: number): Promise<void>;
  /** Instances with a live schedule row created before `before` (database time), for reconciling. */
  scheduledInstances(scope: string, createdBefore: Date): Promise<number[]>;
  /** Database time, so every process judges leases and slots by one clock. */
  now(): Promise<Date>;
  /** Leases due polls, with what each needs read in the same round trip (watermarks, refreshed tokens). */
  claimDue(scope: string, elementKey: string, limit: number, leaseMs: number): Promise<ClaimedPoll[]>;
  /** Stores the poll's watermarks and next slot, atomically and only while the lease is still ours. */
  finish(scope: string, claim: ClaimedPoll, finished: FinishedPoll): Promise<boolean>;


  /** Wants these subscriptions for the instance (from this snapshot on) and no others. */
  wantSubscriptions(scope: string, instanceId: number, instanceVersion: number, elementKey: string, resources: readonly string[]): Promise<void>;
  /** The provider removed the subscription (lifecycle `subscriptionRemoved`): create it again now. */
  subscriptionRemoved(subscriptionId: string): Promise<boolean>;
  /** The provider asks for a renewal (`reauthorizationRequired`). */
  subscriptionDueNow(subscriptionId: string): Promise<boolean>;
  claimDueSubscriptions(scope: string, limit: number, leaseMs: number): Promise<ClaimedSubscription[]>;
  finishSubscription(scope: string, claim: ClaimedSubscription, outcome: SubscriptionOutcome): Promise<void>;
  /** Instances with subscription rows made before `createdBefore` (database time), for reconciling. */
  subscribedInstances(scope: string, createdBefore: Date): Promise<number[]>;
  subscriptionsOf(scope: string, instanceId: number): Promise<{ resource: string; subscriptionId?: string; wanted: boolean }[]>;
}
