import { Dispatcher, request } from 'undici';
import { connectorErrors } from '../core/connector-errors';

export interface ProviderRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as application/json. */
  readonly json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  readonly form?: Readonly<Record<string, string>>;
}

export interface ProviderResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly text: string;
}

export interface ProviderHttpOptions {
  /** Whole-call limit; providers that hang must not hold a consumer forever. */
  readonly timeoutMs?: number;
  /** Answers larger than this are refused rather than buffered. */
  readonly maxResponseBytes?: number;
  readonly dispatcher?: Dispatcher;
}

/**
 * Outbound HTTP to providers over undici: bounded in time and size, and every failure turned
 * into a `ConnectorError` that says whether a retry can help.
 */
export class ProviderHttpClient {
  private readonly timeoutMs: number;
  private readonly maxResponseBytes: number;

  constructor(private readonly options: ProviderHttpOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.maxResponseBytes = options.maxResponseBytes ?? 16 * 1024 * 1024;
  }

  /** Sends the request and returns any answer; throws only when no answer came. */
  async send(provider: string, call: ProviderRequest): Promise<ProviderResponse> {
    const headers: Record<string, string> = { accept: 'application/json', ...call.headers };
    let body: string | undefined;
    if (call.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(call.json);
    } else if (call.form !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(call.form as Record<string, string>).toString();
    }
    try {
      const answer = await request(call.url, {
        method: call.method,
        headers,
        body,
        dispatcher: this.options.dispatcher,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const text = await this.readBounded(provider, answer.body);
      return { status: answer.statusCode, headers: flattenHeaders(answer.headers), text };
    } catch (error) {
      if (error instanceof Error && error.name === 'ConnectorError') throw error;
      throw connectorErrors.requestFailed(provider, `${call.method} ${redactUrl(call.url)}: ${describe(error)}`, true);
    }
  }

  /**
   * Sends the request and parses a 2xx JSON answer. 401 becomes `provider_unauthorized` (so the
   * caller can refresh), 408/429/5xx are retryable, other 4xx are not.
   */
  async json<T = unknown>(provider: string, call: ProviderRequest): Promise<T> {
    const response = await this.send(provider, call);
    if (response.status === 401) throw connectorErrors.unauthorized(provider);
    if (response.status < 200 || response.status > 299) {
      const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      throw connectorErrors.requestFailed(
        provider,
        `${call.method} ${redactUrl(call.url)} answered ${response.status}: ${excerpt(response.text)}`,
        retryable,
      );
    }
    if (response.status === 204 || response.text === '') return undefined as T;
    return parseJson<T>(provider, response.text);
  }

  private async readBounded(provider: string, body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > this.maxResponseBytes) {
        body.destroy();
        throw connectorErrors.responseInvalid(provider, `the answer is larger than ${this.maxResponseBytes} bytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}

export function parseJson<T>(provider: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw connectorErrors.responseInvalid(provider, `not JSON: ${excerpt(text)}`);
  }
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

/** Query strings can carry tokens; they never reach an error message. */
function redactUrl(url: string): string {
  const at = url.indexOf('?');
  return at === -1 ? url : `${url.slice(0, at)}?…`;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat || '(empty body)';
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { code?: string }).code;
    return cause ? `${error.message} (${cause})` : error.message;
  }
  return String(error);
}
