import { ConnectorError } from '../../core/connector-error';
import { connectorErrors } from '../../core/connector-errors';
import { CodeExchangeRequest, OAuthFlow, ProviderTokens, TokenRefreshRequest } from '../../core/provider-tokens';
import { ProviderEndpoints } from '../../http/provider-endpoints';
import { ProviderHttpClient } from '../../http/provider-http-client';
import { TokenResponseBody, providerTokensOf, requestTokens } from '../../oauth/oauth-token-client';
import { idText, isRecord } from '../../webhooks/webhook-json';
import { HubSpotHost } from './hubspot.descriptor';

const PROVIDER = 'HubSpot';
const TOKEN_PATH = '/oauth/v1/token';

/**
 * `POST /oauth/v1/token` (form, client credentials in the body). HubSpot refuses with
 * `{"status":"BAD_AUTH_CODE","message":…}`; `requestTokens` surfaces that `message`.
 * After the code exchange, `GET /oauth/v1/access-tokens/{token}` names the portal
 * (`hub_id`), which routes the portal's webhooks to the instance.
 */
export class HubSpotOAuth implements OAuthFlow {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly endpoints: ProviderEndpoints<HubSpotHost>,
    private readonly clock: () => Date,
  ) {}

  async exchangeCode(request: CodeExchangeRequest): Promise<ProviderTokens> {
    const body = await requestTokens(this.http, {
      provider: PROVIDER,
      url: this.endpoints.url('api', TOKEN_PATH),
      clientAuthentication: 'body',
      clientId: request.clientId,
      clientSecret: request.clientSecret,
      grant: 'authorization_code',
      fields: { code: request.code, redirect_uri: request.redirectUri },
    });
    return this.tokens(body, await this.portalOf(body));
  }

  async refresh(request: TokenRefreshRequest): Promise<ProviderTokens> {
    const body = await requestTokens(this.http, {
      provider: PROVIDER,
      url: this.endpoints.url('api', TOKEN_PATH),
      clientAuthentication: 'body',
      clientId: request.clientId,
      clientSecret: request.clientSecret,
      grant: 'refresh_token',
      fields: { refresh_token: request.refreshToken },
    });
    // Token responses carry `hub_id` since August 2025; older answers simply keep the stored one.
    const hubId = idText(body['hub_id']);
    return this.tokens(body, hubId ? { hub_id: hubId } : {});
  }

  /**
   * `{hub_id, hub_domain, user}` from the token metadata. The code is already spent, so when
   * the lookup fails but the token response named the portal, that is kept rather than
   * losing the grant.
   */
  private async portalOf(body: TokenResponseBody): Promise<Record<string, string>> {
    const fromToken = idText(body['hub_id']);
    let info: unknown;
    try {
      info = await this.http.json(PROVIDER, {
        method: 'GET',
        url: this.endpoints.url('api', `/oauth/v1/access-tokens/${encodeURIComponent(body.access_token)}`),
      });
    } catch (error) {
      if (fromToken && error instanceof ConnectorError) return { hub_id: fromToken };
      throw error;
    }
    const hubId = isRecord(info) ? idText(info['hub_id']) : undefined;
    if (!isRecord(info) || !hubId) {
      if (fromToken) return { hub_id: fromToken };
      throw connectorErrors.responseInvalid(PROVIDER, 'the access token metadata has no hub_id');
    }
    const providerData: Record<string, string> = { hub_id: hubId };
    for (const field of ['hub_domain', 'user'] as const) {
      const value = info[field];
      if (typeof value === 'string' && value !== '') providerData[field] = value;
    }
    return providerData;
  }

  private tokens(body: TokenResponseBody, providerData: Record<string, string>): ProviderTokens {
    return { ...providerTokensOf(body, providerData, this.clock()), scope: scopeOf(body) };
  }
}

/** HubSpot lists scopes as an array (`scopes`); RFC 6749 `scope` is a space-separated string. */
function scopeOf(body: TokenResponseBody): string | undefined {
  const scopes = body['scopes'];
  if (!Array.isArray(scopes)) return body.scope;
  const names = scopes.filter((scope): scope is string => typeof scope === 'string' && scope !== '');
  return names.length > 0 ? names.join(' ') : body.scope;
}
