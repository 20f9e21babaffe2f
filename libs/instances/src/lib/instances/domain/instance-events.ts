import { SEALED_TOKEN_KEYS } from '@connector-events/messaging';

/**
 * What can happen to an instance. Each event has a public part (`data`) and, where it carries
 * credentials, a secret part (`secrets`) that the event store keeps sealed with SECRETS_KEY.
 */
export type InstanceEvent =
  | InstanceCreated
  | InstanceUpdated
  | ConfigurationChanged
  | EventsEnabled
  | EventsDisabled
  | TokensRefreshed
  | InstanceDeleted;

export interface InstanceCreated {
  readonly type: 'InstanceCreated';
  readonly data: {
    readonly organizationId: number;
    readonly userId: number;
    readonly elementKey: string;
    readonly name: string;
    readonly tags: readonly string[];
    /** Non-secret configuration values. */
    readonly configuration: Readonly<Record<string, string>>;
    readonly providerData: Readonly<Record<string, string>>;
    readonly tokenType: string;
    readonly tokenExpiresAt?: string;
  };
  /** Secret configuration values, the OAuth tokens and the instance token. */
  readonly secrets: Readonly<Record<string, string>>;
}

export interface InstanceUpdated {
  readonly type: 'InstanceUpdated';
  readonly data: { readonly name?: string; readonly tags?: readonly string[] };
}

export interface ConfigurationChanged {
  readonly type: 'ConfigurationChanged';
  /** Non-secret values set, and keys removed (secret or not). */
  readonly data: { readonly set: Readonly<Record<string, string>>; readonly removed: readonly string[] };
  /** Secret values set. */
  readonly secrets: Readonly<Record<string, string>>;
}

export interface EventsEnabled {
  readonly type: 'EventsEnabled';
  readonly data: Readonly<Record<string, never>>;
}

export interface EventsDisabled {
  readonly type: 'EventsDisabled';
  readonly data: Readonly<Record<string, never>>;
}

export interface TokensRefreshed {
  readonly type: 'TokensRefreshed';
  readonly data: {
    readonly providerData: Readonly<Record<string, string>>;
    readonly tokenExpiresAt?: string;
    /** When the refresh happened at the service that made it; older reports are ignored. */
    readonly refreshedAt?: string;
    readonly refreshedBy?: string;
  };
  readonly secrets: Readonly<Record<string, string>>;
}

export interface InstanceDeleted {
  readonly type: 'InstanceDeleted';
  readonly data: Readonly<Record<string, never>>;
}

export type InstanceEventType = InstanceEvent['type'];

/** The keys under which tokens sit in an event's secret part (and in the snapshot's sealed record). */
export const TOKEN_SECRET_KEYS = SEALED_TOKEN_KEYS;

const TOKEN_KEYS: ReadonlySet<string> = new Set(Object.values(TOKEN_SECRET_KEYS));

/** Token keys share the secret part with secret configuration values but are not configuration. */
export function isTokenKey(key: string): boolean {
  return TOKEN_KEYS.has(key);
}
