import { GenericConnectorDefinition } from '@connector-events/connectors';
import { createHmac, randomBytes } from 'node:crypto';
import { FakeAnswer, RecordedRequest } from '../fake-http-server';
import { FakeProvider } from '../fake-provider';
import { FakeTokenRefusal } from '../fake-oauth-authority';

/** A signed webhook call, ready for `inboundWebhook` or `sendWebhook`. */
export interface SignedGenericWebhook {
  readonly body: string;
  /** Lower-case names, as webhook-ingest hands them to adapters. */
  readonly headers: Record<string, string>;
}

export interface SignedWebhookOptions {
  /** The signed timestamp header's value; now, in Unix seconds, when absent. */
  readonly timestamp?: string | number;
  /** The delivery id header's value, when the definition names one; random when absent. */
  readonly deliveryId?: string;
}

/** No-store, as RFC 6749 §5.1 requires of every token response (errors included, §5.2). */
const TOKEN_HEADERS = { 'cache-control': 'no-store', pragma: 'no-cache' };

/**
 * The provider a generic definition describes: an RFC 6749 token endpoint at the definition's
 * token path, accepting only the client authentication the definition names and answering
 * refusals with standard `{"error","error_description"}` bodies, plus signed webhook calls
 * built exactly as the definition says they are signed.
 */
export class FakeGenericProvider extends FakeProvider {
  readonly tokenPath: string;

  constructor(private readonly definition: GenericConnectorDefinition) {
    super(definition.displayName, { accessTokenTtlSeconds: 3600, rotateRefreshTokens: true, tokenPrefix: `${definition.elementKey}.` });
    this.tokenPath = new URL(definition.oauth.tokenUrl).pathname;
    this.server.route('POST', this.tokenPath, (request) => this.token(request));
  }

  /**
   * A user who authorizes the app: the code for the redirect, and the account facts the token
   * response will carry (by default a random value for each of `oauth.providerDataFields`).
   */
  linkAccount(clientId: string, facts?: Record<string, string>): { code: string; facts: Record<string, string> } {
    const granted = facts ?? Object.fromEntries(
      (this.definition.oauth.providerDataFields ?? []).map((field) => [field, `acct_${randomBytes(8).toString('hex')}`]),
    );
    return { code: this.oauth.issueCode(clientId, granted), facts: granted };
  }

  /** The webhook call this provider (or any provider `definition` describes) would make. */
  signedWebhook(definition: GenericConnectorDefinition, secret: string, body: unknown, options: SignedWebhookOptions = {}): SignedGenericWebhook {
    return signedGenericWebhook(definition, secret, body, options);
  }

  private token(request: RecordedRequest): FakeAnswer {
    const usesBasic = /^Basic /i.test(request.headers['authorization'] ?? '');
    const usesBody = request.form?.['client_secret'] !== undefined;
    if (usesBasic && usesBody) {
      return this.refusal({ status: 400, error: 'invalid_request', description: 'the client authenticated in more than one way' }, usesBasic);
    }
    const expected = this.definition.oauth.clientAuthentication;
    if ((expected === 'basic' && !usesBasic) || (expected === 'body' && !usesBody)) {
      const how = expected === 'basic' ? 'HTTP Basic' : 'client_id and client_secret in the body';
      return this.refusal({ status: 401, error: 'invalid_client', description: `client authentication must use ${how}` }, usesBasic);
    }
    const outcome = this.oauth.token(request);
    if (!outcome.ok) return this.refusal(outcome.refusal, usesBasic);
    const { grant } = outcome;
    const json: Record<string, unknown> = {
      access_token: grant.accessToken,
      token_type: 'Bearer',
      expires_in: grant.expiresIn,
      refresh_token: grant.refreshToken,
      ...(request.form?.['scope'] ? { scope: request.form['scope'] } : {}),
    };
    for (const [field, value] of Object.entries(grant.subject)) setPath(json, field, value);
    return { status: 200, json, headers: TOKEN_HEADERS };
  }

  /** RFC 6749 §5.2; a client that tried Basic is told how to authenticate (`WWW-Authenticate`). */
  private refusal(refusal: FakeTokenRefusal, usesBasic: boolean): FakeAnswer {
    const headers: Record<string, string> = { ...TOKEN_HEADERS };
    if (refusal.status === 401 && usesBasic) headers['www-authenticate'] = `Basic realm="${this.definition.displayName.replace(/[^\x20-\x7e]|["\\]/g, '')}"`;
    return { status: refusal.status, json: { error: refusal.error, error_description: refusal.description }, headers };
  }
}

/**
 * Signs `body` (JSON-encoded unless already text) as `definition.webhook.signature` describes:
 * prefix + HMAC of the body, or of `<timestamp>.<body>` when a timestamp header is signed.
 */
export function signedGenericWebhook(
  definition: GenericConnectorDefinition,
  secret: string,
  body: unknown,
  options: SignedWebhookOptions = {},
): SignedGenericWebhook {
  const { signature, deliveryIdHeader } = definition.webhook;
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  let message = text;
  if (signature.timestampHeader) {
    const timestamp = String(options.timestamp ?? Math.floor(Date.now() / 1000));
    headers[signature.timestampHeader.toLowerCase()] = timestamp;
    message = `${timestamp}.${text}`;
  }
  const digest = createHmac(signature.algorithm, secret).update(message).digest(signature.encoding);
  headers[signature.header.toLowerCase()] = `${signature.prefix ?? ''}${digest}`;
  if (deliveryIdHeader) headers[deliveryIdHeader.toLowerCase()] = options.deliveryId ?? randomBytes(12).toString('hex');
  return { body: text, headers };
}

/** Writes `value` at a dot path, making the objects on the way. */
function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  const last = parts.pop() ?? path;
  let current = target;
  for (const part of parts) {
    const next = current[part];
    const child: Record<string, unknown> = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : {};
    current[part] = child;
    current = child;
  }
  current[last] = value;
}
