/**
 * One instance as the event-path services see it: the latest `oc.instances.v1` snapshot with
 * its secrets opened. `configuration` holds every value (secret ones included) by Open
 * Connectors key; the OAuth tokens are apart, as they are not configuration.
 */
export interface InstanceRecord {
  readonly id: number;
  readonly version: number;
  readonly organizationId: number;
  readonly userId: number;
  readonly elementKey: string;
  readonly name: string;
  readonly tags: readonly string[];
  readonly eventsEnabled: boolean;
  readonly configuration: Readonly<Record<string, string>>;
  readonly providerData: Readonly<Record<string, string>>;
  readonly tokens: {
    readonly accessToken?: string;
    readonly refreshToken?: string;
    readonly expiresAt?: string;
  };
  readonly updatedDate: string;
}

/** Where instance-service keeps tokens in the sealed record (see its TOKEN_SECRET_KEYS). */
export const SEALED_TOKEN_KEYS = {
  accessToken: 'oauth.access_token',
  refreshToken: 'oauth.refresh_token',
  instanceToken: 'instance.token',
} as const;
