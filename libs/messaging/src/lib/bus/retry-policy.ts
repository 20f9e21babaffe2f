/** Backoff for transient handler failures: doubling from `initialDelayMs` up to `maxDelayMs`, forever. */
export interface RetryPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialDelayMs: 200, maxDelayMs: 30_000 };
