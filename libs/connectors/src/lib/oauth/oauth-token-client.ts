import { connectorErrors } from '../core/connector-errors';
import { ProviderTokens } from '../core/provider-tokens';
import { ProviderHttpClient, parseJson } from '../http/provider-http-client';

/** How a provider wants its client credentials: in the form body or as HTTP Basic. */
export type ClientAuthentication = 'body' | 'basic';

export interface TokenEndpointCall {
  readonly provider: string;
  readonly url: string;
  readonly clientAuthentication: ClientAuthentication;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly grant: 'authorization_code' | 'refresh_token';
  /** The grant's own form fields (`code`, `redirect_uri`, `refresh_token`, `scope`…). */
  readonly fields: Readonly<Record<string, string>>;
}

/** The RFC 6749 token response fields every provider here returns, plus whatever else it sends. */
export interface TokenResponseBody {
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly token_type?: string;
  readonly expires_in?: number | string;
  readonly scope?: string;
  readonly [extra: string]: unknown;
}

/**
 * Posts a grant to an OAuth 2.0 token endpoint (RFC 6749 §4.1.3, §6). A 400/401 answer means
 * the code or refresh token was refused: a client error, with the provider's own reason.
 */
export async function requestTokens(http: ProviderHttpClient, call: TokenEndpointCall): Promise<TokenResponseBody> {
  if (!call.clientId || !call.clientSecret) {
    throw connectorErrors.configurationInvalid(
      `${call.provider} needs oauth.api.key and oauth.api.secret in the instance configuration`,
    );
  }
  const form: Record<string, string> = { grant_type: call.grant, ...call.fields };
  const headers: Record<string, string> = {};
  if (call.clientAuthentication === 'basic') {
    headers['authorization'] = `Basic ${Buffer.from(`${call.clientId}:${call.clientSecret}`).toString('base64')}`;
  } else {
    form['client_id'] = call.clientId;
    form['client_secret'] = call.clientSecret;
  }
  const response = await http.send(call.provider, { method: 'POST', url: call.url, headers, form });
  if (response.status === 400 || response.status === 401) {
    const reason = refusalReason(response.text);
    throw call.grant === 'authorization_code'
      ? connectorErrors.codeRejected(call.provider, reason)
      : connectorErrors.refreshRejected(call.provider, reason);
  }
  if (response.status < 200 || response.status > 299) {
    throw connectorErrors.requestFailed(call.provider, `token endpoint answered ${response.status}`, response.status >= 500);
  }
  const body = parseJson<TokenResponseBody>(call.provider, response.text);
  if (typeof body !== 'object' || body === null || typeof body.access_token !== 'string' || !body.access_token) {
    throw connectorErrors.responseInvalid(call.provider, 'the token response has no access_token');
  }
  return body;
}

/**
 * The RFC 6749 §5.1 answer as `ProviderTokens`. Fields a provider sends in another type, or
 * empty, count as absent; `providerData` is what the adapter learned besides.
 */
export function providerTokensOf(
  body: TokenResponseBody,
  providerData: Readonly<Record<string, string>>,
  now: Date,
  defaultTokenType = 'bearer',
): ProviderTokens {
  return {
    accessToken: body.access_token,
    refreshToken: typeof body.refresh_token === 'string' && body.refresh_token !== '' ? body.refresh_token : undefined,
    tokenType: typeof body.token_type === 'string' && body.token_type !== '' ? body.token_type : defaultTokenType,
    expiresAt: expiryOf(body, now),
    scope: typeof body.scope === 'string' ? body.scope : undefined,
    providerData,
  };
}

/** `expires_in` seconds from now, as ISO 8601; undefined when the provider gave none. */
export function expiryOf(body: TokenResponseBody, now: Date): string | undefined {
  const seconds = Number(body.expires_in);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(now.getTime() + seconds * 1000).toISOString() : undefined;
}

/** The provider's own words for a refusal: `error_description`, `message` or `error`. */
function refusalReason(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    for (const field of ['error_description', 'message', 'error']) {
      const value = body[field];
      if (typeof value === 'string' && value) return value.slice(0, 300);
    }
  } catch {
    // not JSON; fall through
  }
  return 'no reason given';
}
