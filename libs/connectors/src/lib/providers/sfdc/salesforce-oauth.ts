import { connectorErrors } from '../../core/connector-errors';
import { CodeExchangeRequest, OAuthFlow, ProviderTokens, TokenRefreshRequest } from '../../core/provider-tokens';
import { ProviderHttpClient } from '../../http/provider-http-client';
import { TokenResponseBody, providerTokensOf, requestTokens } from '../../oauth/oauth-token-client';
import { hmacDigest, safeEqual } from '../../webhooks/signatures';
import { parseSalesforceIdentityUrl } from './salesforce-ids';
import { SalesforceHosts } from './salesforce-hosts';
import { SALESFORCE_LOGIN_URL_CONFIGURATION_KEY, SALESFORCE_PROVIDER_DATA, SFDC_HOSTS } from './sfdc.descriptor';

const PROVIDER = 'Salesforce';

/**
 * The web server flow: `POST /services/oauth2/token` (form, client id and secret in the body) on
 * the login server. The answer names the org's API host (`instance_url`) and, in the identity
 * URL `id`, the org and user; it has no `expires_in` (the org's session settings decide), so a
 * token is refreshed when the API refuses it. A refresh returns no new refresh token unless the
 * connected app rotates them.
 */
export class SalesforceOAuth implements OAuthFlow {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly hosts: SalesforceHosts,
  ) {}

  /** The configuration value `sfdc.login.url` (or the same key in `providerData`) picks another login server. */
  async exchangeCode(request: CodeExchangeRequest): Promise<ProviderTokens> {
    const loginServer = this.hosts.loginServer(
      request.configuration?.[SALESFORCE_LOGIN_URL_CONFIGURATION_KEY] ?? request.providerData[SALESFORCE_LOGIN_URL_CONFIGURATION_KEY],
    );
    const body = await requestTokens(this.http, {
      provider: PROVIDER,
      url: this.hosts.tokenUrl(loginServer),
      clientAuthentication: 'body',
      clientId: request.clientId,
      clientSecret: request.clientSecret,
      grant: 'authorization_code',
      fields: { code: request.code, redirect_uri: request.redirectUri },
    });
    const tokens = this.tokens(body, request.clientSecret);
    // A sandbox's refresh token is only good at the sandbox login server: remember which one.
    if (loginServer === SFDC_HOSTS.login) return tokens;
    return { ...tokens, providerData: { ...tokens.providerData, [SALESFORCE_PROVIDER_DATA.loginUrl]: loginServer } };
  }

  async refresh(request: TokenRefreshRequest): Promise<ProviderTokens> {
    const loginServer = this.hosts.loginServer(
      request.providerData[SALESFORCE_PROVIDER_DATA.loginUrl] ?? request.providerData[SALESFORCE_LOGIN_URL_CONFIGURATION_KEY],
    );
    const body = await requestTokens(this.http, {
      provider: PROVIDER,
      url: this.hosts.tokenUrl(loginServer),
      clientAuthentication: 'body',
      clientId: request.clientId,
      clientSecret: request.clientSecret,
      grant: 'refresh_token',
      fields: { refresh_token: request.refreshToken },
    });
    return this.tokens(body, request.clientSecret);
  }

  private tokens(body: TokenResponseBody, clientSecret: string): ProviderTokens {
    verifyTokenSignature(body, clientSecret);
    const identity = parseSalesforceIdentityUrl(body['id']);
    if (!identity) {
      throw connectorErrors.responseInvalid(PROVIDER, 'the token response "id" is not an identity URL (…/id/<orgId>/<userId>)');
    }
    const instanceUrl = this.hosts.instanceOrigin(body['instance_url']);
    if (!instanceUrl) throw connectorErrors.responseInvalid(PROVIDER, 'the token response "instance_url" is not an https URL');
    // Salesforce sends no `expires_in`: sessions last as the org's policy says.
    return providerTokensOf(
      body,
      {
        [SALESFORCE_PROVIDER_DATA.instanceUrl]: instanceUrl,
        [SALESFORCE_PROVIDER_DATA.organizationId]: identity.organizationId,
        [SALESFORCE_PROVIDER_DATA.userId]: identity.userId,
      },
      new Date(),
      'Bearer',
    );
  }
}

/**
 * `signature` is base64 HMAC-SHA256 of `id` + `issued_at` under the client secret: it proves the
 * identity URL, and so the org id that routes webhooks, came from Salesforce unaltered.
 */
function verifyTokenSignature(body: TokenResponseBody, clientSecret: string): void {
  const signature = body['signature'];
  if (signature === undefined) return;
  const id = body['id'];
  const issuedAt = body['issued_at'];
  if (typeof signature !== 'string' || typeof id !== 'string' || typeof issuedAt !== 'string') {
    throw connectorErrors.responseInvalid(PROVIDER, 'the token response signature, id or issued_at is not text');
  }
  if (!safeEqual(hmacDigest('sha256', clientSecret, `${id}${issuedAt}`, 'base64'), signature)) {
    throw connectorErrors.responseInvalid(PROVIDER, 'the token response signature does not match its id and issued_at');
  }
}
