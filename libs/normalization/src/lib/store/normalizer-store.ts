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

/** OAuth tokens the normalizer refreshed itself, sealed with SECRETS_KEY for the instance. */
export interface StoredTokens {
  /** `{accessToken, refreshToken?}` sealed as on `oc.instances.tokens.v1`. */
  readonly sealedTokens: string;
  readonly expiresAt?: string;
  readonly providerData: Readonly<Record<string, string>>;
  readonly refreshedAt: string;
  /** SHA-256 (hex) of the snapshot's access token these replaced: while the snapshot shows it, they are newer. */
  readonly replacedAccessToken: string;
  /** Whether they were published to `oc.instances.tokens.v1` for instance-service to record. */
  readonly reported: boolean;
}

/**
 * The normalizer's own tables. PostgreSQL in the services, memory in unit tests and the
 * in-process harness; both behave the same.
 */
export interface NormalizerStore {
  context(instanceId: number, rawEventId: string, providerEventId?: string): Promise<RawEventContext>;
  /** Keeps a stateful adapter's result before its notifications are published. */
  savePending(instanceId: number, rawEventId: string, result: NormalizationResult, at: Date): Promise<void>;
  /** In one transaction: the new state, the delivery id seen, and the pending result dropped. */
  complete(instanceId: number, rawEventId: string, completed: CompletedRawEvent): Promise<void>;
  hasConnectorState(instanceId: number): Promise<boolean>;
  /** The first state of an instance; returns false (and changes nothing) if it already has one. */
  initializeConnectorState(instanceId: number, state: Readonly<Record<string, string>>): Promise<boolean>;
  clearConnectorState(instanceId: number): Promise<void>;
  refreshedTokens(instanceId: number): Promise<StoredTokens | undefined>;
  saveRefreshedTokens(instanceId: number, tokens: StoredTokens): Promise<void>;
  /** Marks the tokens refreshed at `refreshedAt` as published (newer ones stay unreported). */
  markTokensReported(instanceId: number, refreshedAt: string): Promise<void>;
  /** Everything kept for a deleted instance. */
  forgetInstance(instanceId: number): Promise<void>;
  /** Drops delivery ids and abandoned pending results older than `before`; returns the rows removed. */
  prune(before: Date): Promise<number>;
}
