import { CodeExchangeRequest, OAuthFlow, ProviderTokens, TokenRefreshRequest } from '../../core/provider-tokens';
import { ProviderEndpoints } from '../../http/provider-endpoints';
import { ProviderHttpClient } from '../../http/provider-http-client';
import { TokenResponseBody, providerTokensOf, requestTokens } from '../../oauth/oauth-token-client';
import { readPath } from '../../webhooks/webhook-json';
import { GenericOAuthDefinition } from './generic-connector-definition';

const MAX_PROVIDER_DATA_LENGTH = 1024;

/**
 * RFC 6749 code exchange and refresh against the definition's token URL. The fields named by
 * `providerDataFields` are kept from the token response (or from what came back with the code),
 * so webhooks can be routed by the account they name.
 */
export class GenericOAuth implements OAuthFlow {
  private readonly endpoints: ProviderEndpoints<'token'>;
  /** The token URL's path and query: the part `PROVIDER_BASE_URL_<KEY>` keeps. */
  private readonly tokenPath: string;

  constructor(
    private readonly http: ProviderHttpClient,
    private readonly definition: GenericOAuthDefinition,
    private readonly provider: string,
    baseUrlOverride: string | undefined,
    private readonly clock: () => Date,
  ) {
    const url = new URL(definition.tokenUrl);
    this.endpoints = new ProviderEndpoints({ token: url.origin }, baseUrlOverride);
    this.tokenPath = `${url.pathname}${url.search}`;
  }

  async exchangeCode(request: CodeExchangeRequest): Promise<ProviderTokens> {
    const body = await this.requestTokens('authorization_code', request, { code: request.code, redirect_uri: request.redirectUri });
    return this.tokens(body, { ...this.keptFacts(request.providerData), ...this.keptFacts(body) });
  }

  async refresh(request: TokenRefreshRequest): Promise<ProviderTokens> {
    const body = await this.requestTokens('refresh_token', request, { refresh_token: request.refreshToken });
    return this.tokens(body, this.keptFacts(body));
  }

  private requestTokens(
    grant: 'authorization_code' | 'refresh_token',
    client: { clientId: string; clientSecret: string },
    fields: Record<string, string>,
  ): Promise<TokenResponseBody> {
    const scope = this.definition.scope;
    return requestTokens(this.http, {
      provider: this.provider,
      url: this.endpoints.url('token', this.tokenPath),
      clientAuthentication: this.definition.clientAuthentication,
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      grant,
      fields: scope ? { ...fields, scope } : fields,
    });
  }

  private tokens(body: TokenResponseBody, providerData: Record<string, string>): ProviderTokens {
    return providerTokensOf(body, providerData, this.clock());
  }

  /** The listed fields that hold a string, number or boolean, as text. */
  private keptFacts(source: unknown): Record<string, string> {
    const kept: Record<string, string> = {};
    for (const field of this.definition.providerDataFields ?? []) {
      const value = readPath(source, field);
      const text = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) ? String(value) : undefined;
      if (text !== undefined && text !== '' && text.length <= MAX_PROVIDER_DATA_LENGTH) kept[field] = text;
    }
    return kept;
  }
}
