import { ConnectorError, ProviderHttpClient, ProviderRequest, connectorErrors, isRecord, parseJson, readPath } from '@connector-events/connectors';
import { ProviderThrottledError, retryAfterMs } from './provider-throttled.error';

/** Without `Retry-After`, a 429 waits this long before the instance is polled again. */
export const DEFAULT_THROTTLE_WAIT_MS = 60_000;

export interface PageRequest {
  readonly method: 'GET' | 'POST';
  /** Absolute. */
  readonly url: string;
  readonly body?: Record<string, unknown>;
}

/** One page of a provider's answer: its records and where the next page is, if any. */
export interface ProviderPage {
  readonly records: readonly unknown[];
  readonly next?: PageRequest;
}

export interface PageReading {
  readonly provider: string;
  /** Origin every URL must stay on: an access token never goes to another host. */
  readonly baseUrl: string;
  readonly recordsPath?: string;
  readonly nextPagePath?: string;
}

/**
 * Asks the provider for one page with the access token. 401 is `provider_unauthorized` (the
 * caller refreshes once); 429, and 503 with `Retry-After`, a {@link ProviderThrottledError}.
 * The next page is a URL (Salesforce `nextRecordsUrl`, relative or on the same origin) asked
 * with GET, or a cursor (HubSpot `paging.next.after`) put in the body as `after` (POST) or in
 * the query (GET).
 */
export async function fetchProviderPage(http: ProviderHttpClient, reading: PageReading, request: PageRequest, token: string, now: () => number): Promise<ProviderPage> {
  const call: ProviderRequest = {
    method: request.method,
    url: sameOrigin(reading, request.url),
    headers: { authorization: `Bearer ${token}` },
    ...(request.body !== undefined ? { json: request.body } : {}),
  };
  const response = await http.send(reading.provider, call);
  if (response.status === 401) throw connectorErrors.unauthorized(reading.provider);
  const wait = retryAfterMs(response.headers['retry-after'], now());
  if (response.status === 429 || (response.status === 503 && wait !== undefined)) {
    throw new ProviderThrottledError(reading.provider, wait ?? DEFAULT_THROTTLE_WAIT_MS);
  }
  if (response.status < 200 || response.status > 299) {
    const retryable = response.status === 408 || response.status >= 500;
    throw connectorErrors.requestFailed(reading.provider, `${request.method} ${pathOf(request.url)} answered ${response.status}`, retryable);
  }
  const body = response.text === '' ? {} : parseJson<unknown>(reading.provider, response.text);
  const found = reading.recordsPath ? readPath(body, reading.recordsPath) : body;
  // An answer without the records array has none (QuickBooks CDC leaves the entity out).
  const records = found === undefined || found === null ? [] : found;
  if (!Array.isArray(records)) throw connectorErrors.responseInvalid(reading.provider, `${reading.recordsPath ?? 'the answer'} is not an array`);
  const cursor = reading.nextPagePath ? readPath(body, reading.nextPagePath) : undefined;
  return { records, ...(nextPage(reading, request, cursor) ?? {}) };
}

function nextPage(reading: PageReading, request: PageRequest, cursor: unknown): { next: PageRequest } | undefined {
  if (typeof cursor === 'number' && Number.isFinite(cursor)) cursor = String(cursor);
  if (typeof cursor !== 'string' || cursor === '') return undefined;
  if (cursor.startsWith('/') || /^https?:\/\//i.test(cursor)) {
    return { next: { method: 'GET', url: cursor.startsWith('/') ? `${reading.baseUrl.replace(/\/+$/, '')}${cursor}` : cursor } };
  }
  if (request.method === 'POST') return { next: { ...request, body: { ...(isRecord(request.body) ? request.body : {}), after: cursor } } };
  const url = new URL(request.url);
  url.searchParams.set('after', cursor);
  return { next: { ...request, url: url.toString() } };
}

function sameOrigin(reading: PageReading, url: string): string {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw connectorErrors.configurationInvalid(`the poll URL ${pathOf(url)} is not valid`);
  }
  if (target.origin !== new URL(reading.baseUrl).origin) {
    throw connectorErrors.configurationInvalid(`the poll URL must stay on ${new URL(reading.baseUrl).origin}; a token is never sent elsewhere`);
  }
  return target.toString();
}

function pathOf(url: string): string {
  const at = url.indexOf('?');
  return (at === -1 ? url : url.slice(0, at)).slice(0, 200);
}

export function isUnauthorized(error: unknown): boolean {
  return error instanceof ConnectorError && error.code === 'provider_unauthorized';
}
