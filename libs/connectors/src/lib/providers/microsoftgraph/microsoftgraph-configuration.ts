import { connectorErrors } from '../../core/connector-errors';

/**
 * The instance configuration key holding the `clientState` every subscription is created with;
 * each notification must carry it back. Stored encrypted (see `secretConfigurationKeys`).
 */
export const MICROSOFTGRAPH_WEBHOOK_SECRET_KEY = 'event.webhook.secret';

/** The Entra tenant the app signs in against: a tenant id, a domain, `common` or `organizations`. */
export const MICROSOFTGRAPH_TENANT_KEY = 'microsoftgraph.tenant';
export const MICROSOFTGRAPH_DEFAULT_TENANT = 'common';

/** The scopes asked for at the token endpoint. */
export const MICROSOFTGRAPH_SCOPE_KEY = 'oauth.scope';
/** `offline_access` for a refresh token; `.default` for every Graph permission the app was granted. */
export const MICROSOFTGRAPH_DEFAULT_SCOPE = 'offline_access https://graph.microsoft.com/.default';

/** Graph's documented limit is 128 characters on the subscription page (255 on changeNotification). */
export const MICROSOFTGRAPH_MAX_CLIENT_STATE_LENGTH = 128;

/** The instance's provider facts, as the OAuth flow keeps them. */
export const MICROSOFTGRAPH_PROVIDER_DATA = {
  userId: 'user_id',
  userPrincipalName: 'user_principal_name',
  tenant: 'tenant',
  scope: 'scope',
  /** Comma list of the instance's live subscription ids; the poller keeps it. */
  subscriptionIds: 'subscription_ids',
} as const;

/** A tenant is a GUID, a verified domain or one of the aliases; nothing that could bend the token URL. */
const TENANT_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,253}[A-Za-z0-9])?$/;

/**
 * The tenant for the token endpoint: `microsoftgraph.tenant` from the instance configuration
 * (or `providerData`) at the code exchange; after it, kept as `tenant` so refreshes use the
 * same authority.
 */
export function tenantOf(providerData: Readonly<Record<string, string>>): string {
  const tenant = providerData[MICROSOFTGRAPH_PROVIDER_DATA.tenant] ?? providerData[MICROSOFTGRAPH_TENANT_KEY];
  if (tenant === undefined || tenant.trim() === '') return MICROSOFTGRAPH_DEFAULT_TENANT;
  if (!TENANT_PATTERN.test(tenant.trim())) {
    throw connectorErrors.configurationInvalid(
      `${MICROSOFTGRAPH_TENANT_KEY} must be a tenant id, a domain name, "common" or "organizations"`,
    );
  }
  return tenant.trim();
}

/** The scopes to ask for, forwarded like the tenant (`oauth.scope`) and then kept as `scope`. */
export function scopeOf(providerData: Readonly<Record<string, string>>): string {
  const scope = providerData[MICROSOFTGRAPH_PROVIDER_DATA.scope] ?? providerData[MICROSOFTGRAPH_SCOPE_KEY];
  return scope !== undefined && scope.trim() !== '' ? scope.trim() : MICROSOFTGRAPH_DEFAULT_SCOPE;
}
