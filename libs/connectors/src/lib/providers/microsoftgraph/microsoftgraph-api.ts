import { connectorErrors } from '../../core/connector-errors';
import { ConnectorError } from '../../core/connector-error';
import { ProviderEndpoints } from '../../http/provider-endpoints';
import { ProviderHttpClient, ProviderRequest, ProviderResponse, parseJson } from '../../http/provider-http-client';
import { isRecord } from '../../webhooks/webhook-json';
import { MICROSOFTGRAPH_PROVIDER, MicrosoftGraphHost } from './microsoftgraph.descriptor';

/** The signed-in user, from `GET /v1.0/me`. */
export interface GraphUser {
  readonly id: string;
  readonly userPrincipalName: string;
}

/** The body of `POST /v1.0/subscriptions`. */
export interface GraphSubscriptionRequest {
  readonly changeType: string;
  readonly notificationUrl: string;
  readonly lifecycleNotificationUrl?: string;
  readonly resource: string;
  readonly expirationDateTime: string;
  readonly clientState: string;
}

/** The fields of Graph's `subscription` resource the adapter reads. */
export interface GraphSubscription {
  readonly id: string;
  readonly resource: string;
  readonly expirationDateTime: string;
}

/** The Graph v1.0 calls the connector makes, each with the access token it is given. */
export class MicrosoftGraphApi {
  constructor(
    private readonly http: ProviderHttpClient,
    private readonly endpoints: ProviderEndpoints<MicrosoftGraphHost>,
  ) {}

  async me(token: string): Promise<GraphUser> {
    const body = await this.call(token, 'read the signed-in user', { method: 'GET', url: this.url('/v1.0/me') }, [200]);
    const id = isRecord(body) ? body['id'] : undefined;
    const upn = isRecord(body) ? body['userPrincipalName'] : undefined;
    if (typeof id !== 'string' || id === '' || typeof upn !== 'string') {
      throw connectorErrors.responseInvalid(MICROSOFTGRAPH_PROVIDER, '/v1.0/me has no id or userPrincipalName');
    }
    return { id, userPrincipalName: upn };
  }

  /** Graph validates the notification URL(s) before it answers 201. */
  async createSubscription(token: string, request: GraphSubscriptionRequest): Promise<GraphSubscription> {
    const body = await this.call(token, 'create a subscription', { method: 'POST', url: this.url('/v1.0/subscriptions'), json: request }, [201]);
    return subscriptionOf(body);
  }

  async renewSubscription(token: string, id: string, expirationDateTime: string): Promise<GraphSubscription> {
    const body = await this.call(
      token,
      'renew a subscription',
      { method: 'PATCH', url: this.url(`/v1.0/subscriptions/${encodeURIComponent(id)}`), json: { expirationDateTime } },
      [200],
    );
    return subscriptionOf(body);
  }

  /** A subscription Graph no longer has (expired, or deleted already) is not an error. */
  async deleteSubscription(token: string, id: string): Promise<void> {
    await this.call(token, 'delete a subscription', { method: 'DELETE', url: this.url(`/v1.0/subscriptions/${encodeURIComponent(id)}`) }, [204, 200, 404]);
  }

  private url(path: string): string {
    return this.endpoints.url('graph', path);
  }

  /** Sends the call and returns the parsed body of an expected status; anything else is a typed error. */
  private async call(token: string, what: string, call: ProviderRequest, expected: readonly number[]): Promise<unknown> {
    const response = await this.http.send(MICROSOFTGRAPH_PROVIDER, { ...call, headers: { authorization: `Bearer ${token}` } });
    if (!expected.includes(response.status)) throw graphFailure(what, response);
    if (response.status === 204 || response.status === 404 || response.text === '') return undefined;
    return parseJson<unknown>(MICROSOFTGRAPH_PROVIDER, response.text);
  }
}

/**
 * A refused Graph call, with Graph's own `error.code` and `error.message` (its validation
 * failures are only understandable from those). 401 lets `withAccessToken` refresh once;
 * throttling, server errors and validation timeouts may pass on a retry.
 */
export function graphFailure(what: string, response: ProviderResponse): ConnectorError {
  if (response.status === 401) return connectorErrors.unauthorized(MICROSOFTGRAPH_PROVIDER);
  const { code, message } = graphError(response.text);
  const timedOut = code === 'ValidationError' && /timed out/i.test(message);
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500 || timedOut;
  return connectorErrors.requestFailed(
    MICROSOFTGRAPH_PROVIDER,
    `could not ${what}: Graph answered ${response.status} ${code}: ${message}`,
    retryable,
  );
}

/** `{"error":{"code","message","innerError"}}`, Graph's error body; anything else is quoted. */
function graphError(text: string): { code: string; message: string } {
  try {
    const body: unknown = JSON.parse(text);
    const error = isRecord(body) ? body['error'] : undefined;
    if (isRecord(error)) {
      const code = typeof error['code'] === 'string' ? error['code'] : 'UnknownError';
      const message = typeof error['message'] === 'string' ? error['message'] : '(no message)';
      return { code, message: clip(message) };
    }
  } catch {
    // not JSON; quoted below
  }
  return { code: 'UnknownError', message: clip(text.replace(/\s+/g, ' ').trim()) || '(empty body)' };
}

function subscriptionOf(body: unknown): GraphSubscription {
  if (isRecord(body)) {
    const { id, resource, expirationDateTime } = body;
    if (typeof id === 'string' && id !== '' && typeof resource === 'string' && typeof expirationDateTime === 'string') {
      return { id, resource, expirationDateTime };
    }
  }
  throw connectorErrors.responseInvalid(MICROSOFTGRAPH_PROVIDER, 'the subscription has no id, resource or expirationDateTime');
}

function clip(text: string): string {
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}
