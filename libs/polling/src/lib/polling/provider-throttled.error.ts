/** The provider said to wait (429, or 503 with `Retry-After`): the poll is rescheduled, not retried now. */
export class ProviderThrottledError extends Error {
  constructor(
    readonly provider: string,
    readonly retryAfterMs: number,
  ) {
    super(`${provider} asked to wait ${Math.round(retryAfterMs / 1000)} s`);
    this.name = 'ProviderThrottledError';
  }
}

/** `Retry-After`: delay-seconds or an HTTP date; `undefined` when absent or unreadable. */
export function retryAfterMs(header: string | undefined, now: number): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d{1,9}$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
