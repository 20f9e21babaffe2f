import { CodeExchangeRequest, OAuthFlow, ProviderTokens, TokenRefreshRequest } from '../../core/provider-tokens';
import { ProviderEndpoints } from '../../http/provider-endpoints';
import { ProviderHttpClient } from '../../http/provider-http-client';
import { TokenResponseBody, providerTokensOf, requestTokens } from '../../oauth/oauth-token-client';
import { DropboxHost } from './dropbox.descriptor';

/** `POST /oauth2/token` (form); the code response names the account, which routes webhooks. */
export class DropboxOAuth implements OAuthFlow {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly endpoints: ProviderEndpoints<DropboxHost>,
    private readonly clock: () => Date,
  ) {}

  async exchangeCode(request: CodeExchangeRequest): Promise<ProviderTokens> {
    const body = await requestTokens(this.http, {
      provider: 'Dropbox',
      url: this.endpoints.url('api', '/oauth2/token'),
      clientAuthentication: 'body',
      clientId: request.clientId,
      clientSecret: request.clientSecret,
      grant: 'authorization_code',
      fields: { code: request.code, redirect_uri: request.redirectUri },
    });
    return this.tokens(body, {
      ...(typeof body['account_id'] === 'string' ? { account_id: body['account_id'] } : {}),
      ...(body['uid'] !== undefined ? { uid: String(body['uid']) } : {}),
    });
  }

  async refresh(request: TokenRefreshRequest): Promise<ProviderTokens> {
    const body = await requestTokens(this.http, {
      provider: 'Dropbox',
      url: this.endpoints.url('api', '/oauth2/token'),
      clientAuthentication: 'body',
      clientId: request.clientId,
      clientSecret: request.clientSecret,
      grant: 'refresh_token',
      fields: { refresh_token: request.refreshToken },
    });
    return this.tokens(body, {});
  }

  private tokens(body: TokenResponseBody, providerData: Record<string, string>): ProviderTokens {
    return providerTokensOf(body, providerData, this.clock());
  }
}
