import { CodeExchangeRequest, OAuthFlow, ProviderTokens, TokenRefreshRequest } from '../../core/provider-tokens';
import { ProviderEndpoints } from '../../http/provider-endpoints';
import { ProviderHttpClient } from '../../http/provider-http-client';
import { TokenResponseBody, providerTokensOf, requestTokens } from '../../oauth/oauth-token-client';
import { MicrosoftGraphApi } from './microsoftgraph-api';
import { MICROSOFTGRAPH_PROVIDER_DATA, scopeOf, tenantOf } from './microsoftgraph-configuration';
import { MICROSOFTGRAPH_PROVIDER, MicrosoftGraphHost } from './microsoftgraph.descriptor';

/**
 * Microsoft identity platform v2.0: `POST /{tenant}/oauth2/v2.0/token` (form, client secret in
 * the body). Refreshes rotate the refresh token. The token response names no user, so the
 * exchange reads `GET /v1.0/me` with the new token.
 */
export class MicrosoftGraphOAuth implements OAuthFlow {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly endpoints: ProviderEndpoints<MicrosoftGraphHost>,
    private readonly api: MicrosoftGraphApi,
    private readonly clock: () => Date,
  ) {}

  async exchangeCode(request: CodeExchangeRequest): Promise<ProviderTokens> {
    const settings = { ...request.configuration, ...request.providerData };
    const tenant = tenantOf(settings);
    const scope = scopeOf(settings);
    const body = await requestTokens(this.http, {
      provider: MICROSOFTGRAPH_PROVIDER,
      url: this.tokenUrl(tenant),
      clientAuthentication: 'body',
      clientId: request.clientId,
      clientSecret: request.clientSecret,
      grant: 'authorization_code',
      fields: { code: request.code, redirect_uri: request.redirectUri, scope },
    });
    const user = await this.api.me(body.access_token);
    return this.tokens(body, {
      [MICROSOFTGRAPH_PROVIDER_DATA.userId]: user.id,
      [MICROSOFTGRAPH_PROVIDER_DATA.userPrincipalName]: user.userPrincipalName,
      [MICROSOFTGRAPH_PROVIDER_DATA.tenant]: tenant,
      [MICROSOFTGRAPH_PROVIDER_DATA.scope]: scope,
    });
  }

  async refresh(request: TokenRefreshRequest): Promise<ProviderTokens> {
    const body = await requestTokens(this.http, {
      provider: MICROSOFTGRAPH_PROVIDER,
      url: this.tokenUrl(tenantOf(request.providerData)),
      clientAuthentication: 'body',
      clientId: request.clientId,
      clientSecret: request.clientSecret,
      grant: 'refresh_token',
      // The v2.0 endpoint documents `scope` as required on refresh.
      fields: { refresh_token: request.refreshToken, scope: scopeOf(request.providerData) },
    });
    return this.tokens(body, {});
  }

  private tokenUrl(tenant: string): string {
    return this.endpoints.url('login', `/${encodeURIComponent(tenant)}/oauth2/v2.0/token`);
  }

  private tokens(body: TokenResponseBody, providerData: Record<string, string>): ProviderTokens {
    return providerTokensOf(body, providerData, this.clock(), 'Bearer');
  }
}
