import { RefreshedTokensStore } from '@connector-events/provider-sessions';
import { EventObject } from '@connector-events/event-schema';

/** What an adapter made of one raw event, as kept between publishing and storing its state. */
export interface NormalizationResult {
  readonly events: readonly EventObject[];
  readonly raw: Record<string, unknown>;
  readonly stateUpdates: Readonly<Record<string, string>>;
}

/** What the store knows about a raw event before it is normalized: one read. */
export interface RawEventContext {
  /** The instance's connector state (Dropbox's cursor); `{}` when none. */
  readonly state: Readonly<Record<string, string>>;
  /** The result kept by an earlier attempt at this same raw event that did not finish. */
  readonly pending?: NormalizationResult;
  /** The raw event under which this provider delivery id was first seen. */
  readonly firstRawEventId?: string;
}

/** What to record once a raw event's notifications are published. */
export interface CompletedRawEvent {
  readonly stateUpdates: Readonly<Record<string, string>>;
  readonly providerEventId?: string;
  readonly at: Date;
}

/**
 * The normalizer's own tables. PostgreSQL in the services, memory in unit tests and the
 * in-process harness; both behave the same.
 */
export interface NormalizerStore extends RefreshedTokensStore {
  context(instanceId: number, rawEventId: string, providerEventId?: string): Promise<RawEventContext>;
  /** Keeps a stateful adapter's result before its notifications are published. */
  savePending(instanceId: number, rawEventId: string, result: NormalizationResult, at: Date): Promise<void>;
  /** In one transaction: the new state, the delivery id seen, and the pending result dropped. */
  complete(instanceId: number, rawEventId: string, completed: CompletedRawEvent): Promise<void>;
  hasConnectorState(instanceId: number): Promise<boolean>;
  /** The first state of an instance; returns false (and changes nothing) if it already has one. */
  initializeConnectorState(instanceId: number, state: Readonly<Record<string, string>>): Promise<boolean>;
  clearConnectorState(instanceId: number): Promise<void>;
  /** Everything kept for a deleted instance. */
  forgetInstance(instanceId: number): Promise<void>;
  /** Drops delivery ids and abandoned pending results older than `before`; returns the rows removed. */
  prune(before: Date): Promise<number>;
}
