import { connectorErrors } from '../../core/connector-errors';
import { CodeExchangeRequest, OAuthFlow, ProviderTokens, TokenRefreshRequest } from '../../core/provider-tokens';
import { ProviderEndpoints } from '../../http/provider-endpoints';
import { ProviderHttpClient } from '../../http/provider-http-client';
import { TokenResponseBody, providerTokensOf, requestTokens } from '../../oauth/oauth-token-client';
import { QuickBooksHost } from './quickbooks.descriptor';
import { REALM_ID_KEY, isRealmId } from './quickbooks-realm';

const TOKEN_PATH = '/oauth2/v1/tokens/bearer';

/**
 * Intuit's `POST /oauth2/v1/tokens/bearer` (form, client credentials as HTTP Basic). The token
 * response does not say which company was connected: Intuit sends `realmId` on the redirect
 * next to the code, so it must come in with the code and is kept as provider data.
 */
export class QuickBooksOAuth implements OAuthFlow {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly endpoints: ProviderEndpoints<QuickBooksHost>,
    private readonly clock: () => Date,
  ) {}

  async exchangeCode(request: CodeExchangeRequest): Promise<ProviderTokens> {
    // Checked before the call: a code is single-use, and without the realm it is worthless.
    const realmId: unknown = request.providerData[REALM_ID_KEY];
    if (realmId === undefined || realmId === '') {
      throw connectorErrors.configurationInvalid(
        `QuickBooks sends realmId on the redirect with the code; providerData.${REALM_ID_KEY} is missing`,
      );
    }
    if (!isRealmId(realmId)) {
      throw connectorErrors.configurationInvalid(
        `providerData.${REALM_ID_KEY} must be a QuickBooks company id (digits), got "${String(realmId).slice(0, 40)}"`,
      );
    }
    const body = await requestTokens(this.http, {
      provider: 'QuickBooks',
      url: this.endpoints.url('oauth', TOKEN_PATH),
      clientAuthentication: 'basic',
      clientId: request.clientId,
      clientSecret: request.clientSecret,
      grant: 'authorization_code',
      fields: { code: request.code, redirect_uri: request.redirectUri },
    });
    return this.tokens(body, { [REALM_ID_KEY]: realmId });
  }

  /** Intuit rotates the refresh token on refresh; the new one is returned and must be kept. */
  async refresh(request: TokenRefreshRequest): Promise<ProviderTokens> {
    const body = await requestTokens(this.http, {
      provider: 'QuickBooks',
      url: this.endpoints.url('oauth', TOKEN_PATH),
      clientAuthentication: 'basic',
      clientId: request.clientId,
      clientSecret: request.clientSecret,
      grant: 'refresh_token',
      fields: { refresh_token: request.refreshToken },
    });
    const realmId = request.providerData[REALM_ID_KEY];
    return this.tokens(body, isRealmId(realmId) ? { [REALM_ID_KEY]: realmId } : {});
  }

  private tokens(body: TokenResponseBody, providerData: Record<string, string>): ProviderTokens {
    return providerTokensOf(body, providerData, this.clock());
  }
}
