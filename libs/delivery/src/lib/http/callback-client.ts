import { Agent, request } from 'undici';
import { isIP } from 'node:net';
import { PrivateAddressError, guardedLookup, isPrivateAddress } from './address-policy';

/** What a callback answered, or why it did not. */
export interface CallbackResponse {
  readonly statusCode?: number;
  readonly durationMs: number;
  /** Connection error, timeout or refusal; absent when the callback answered. */
  readonly error?: string;
  /** The start of the answer's body, for the delivery log. */
  readonly body?: string;
  /** From `Retry-After` (seconds or an HTTP date), when the callback sent one. */
  readonly retryAfterMs?: number;
}

export interface CallbackClientOptions {
  readonly timeoutMs: number;
  readonly allowPrivateNetworks: boolean;
  /** Kept-alive connections per origin; the notifier never runs more attempts than this to one host. */
  readonly connectionsPerOrigin: number;
}

const MAX_LOGGED_BODY_CHARS = 4096;
const MAX_READ_BODY_BYTES = 64 * 1024;

/**
 * POSTs notifications over a pool of kept-alive connections (undici). Nothing is followed:
 * a redirect is an answer like any other non-2xx. Unless private networks are allowed, an IP
 * literal is checked before the request and a host name at connect time on each address it
 * resolves to.
 */
export class CallbackClient {
  private readonly agent: Agent;

  constructor(private readonly options: CallbackClientOptions) {
    this.agent = new Agent({
      keepAliveTimeout: 30_000,
      connections: options.connectionsPerOrigin,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: {
        timeout: options.timeoutMs,
        ...(options.allowPrivateNetworks ? {} : { lookup: guardedLookup() }),
      },
    });
  }

  async post(url: string, body: Buffer, headers: Record<string, string>): Promise<CallbackResponse> {
    const started = performance.now();
    const elapsed = (): number => Math.round(performance.now() - started);
    if (!this.options.allowPrivateNetworks) {
      const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
      if (isIP(host) !== 0 && isPrivateAddress(host)) return { durationMs: elapsed(), error: new PrivateAddressError(host, host).message };
    }
    try {
      const response = await request(url, {
        method: 'POST',
        body,
        headers,
        dispatcher: this.agent,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      const text = await readStart(response.body);
      const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
      return {
        statusCode: response.statusCode,
        durationMs: elapsed(),
        ...(text === '' ? {} : { body: text }),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      };
    } catch (error) {
      return { durationMs: elapsed(), error: describe(error, this.options.timeoutMs) };
    }
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Reads at most 64 KiB (then drops the connection) and keeps the first 4096 characters. */
async function readStart(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_READ_BODY_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, MAX_LOGGED_BODY_CHARS);
}

/** `Retry-After` as milliseconds from now: delay-seconds or an HTTP date. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function describe(error: unknown, timeoutMs: number): string {
  if (!(error instanceof Error)) return String(error).slice(0, 2048);
  const name = error.name;
  if (name === 'TimeoutError' || name === 'AbortError' || /timeout/i.test((error as { code?: string }).code ?? '')) {
    return `timeout: no answer within ${timeoutMs} ms`;
  }
  const cause = (error as { cause?: unknown }).cause;
  const root = cause instanceof Error ? cause : error;
  const code = (root as { code?: string }).code;
  return (code && !root.message.includes(code) ? `${code}: ${root.message}` : root.message).slice(0, 2048);
}
