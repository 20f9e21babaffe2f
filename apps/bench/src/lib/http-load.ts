import { Pool } from 'undici';
import { PreparedCall } from './hubspot-webhook-calls';
import { LatencySummary, summarizeLatencies } from './latency-summary';

export interface LoadResult {
  readonly requests: number;
  readonly concurrency: number;
  readonly durationMs: number;
  readonly requestsPerSecond: number;
  readonly latency: LatencySummary;
  /** Calls that did not answer 2xx, by status (`error` when no answer came). */
  readonly errors: Readonly<Record<string, number>>;
  readonly ok: number;
}

/**
 * Sends `calls` over `concurrency` keep-alive connections, each connection one call at a time
 * (as providers do), and times each call from send to the end of its answer.
 */
export async function runHttpLoad(origin: string, calls: readonly PreparedCall[], concurrency: number): Promise<LoadResult> {
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1 });
  const latencies: number[] = [];
  const errors: Record<string, number> = {};
  let next = 0;
  let ok = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < calls.length; index = next++) {
      const call = calls[index];
      if (!call) return;
      const started = process.hrtime.bigint();
      let outcome: string;
      try {
        const answer = await pool.request({ method: call.method, path: call.path, headers: call.headers, body: call.body });
        await answer.body.dump();
        outcome = String(answer.statusCode);
      } catch {
        outcome = 'error';
      }
      latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (/^2\d\d$/.test(outcome)) ok++;
      else errors[outcome] = (errors[outcome] ?? 0) + 1;
    }
  };
  const started = process.hrtime.bigint();
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    await pool.close();
  }
  const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    requests: calls.length,
    concurrency,
    durationMs,
    requestsPerSecond: (calls.length / durationMs) * 1000,
    latency: summarizeLatencies(latencies),
    errors,
    ok,
  };
}
