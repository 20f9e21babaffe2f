/**
 * What an adapter knows of one connector instance: its configuration (secrets decrypted) and
 * the provider facts learned at OAuth time or later (account id, portal id, realm id,
 * instance URL, subscription id).
 */
export interface ConnectorInstance {
  readonly id: number;
  readonly elementKey: string;
  readonly configuration: Readonly<Record<string, string>>;
  readonly providerData: Readonly<Record<string, string>>;
}

/** Open Connectors' configuration keys for the customer's own OAuth app. */
export const OAUTH_CONFIGURATION_KEYS = {
  clientId: 'oauth.api.key',
  clientSecret: 'oauth.api.secret',
  redirectUri: 'oauth.callback.url',
} as const;
