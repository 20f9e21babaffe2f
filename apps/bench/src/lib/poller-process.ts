import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

export interface PollerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** The built poller (`dist/apps/poller`) as its own process, ready when /health/ready answers 200. */
export async function startPollerProcess(env: NodeJS.ProcessEnv & { PORT: string }): Promise<PollerProcess> {
  const main = path.resolve(__dirname, '../../../poller/src/main.js');
  const child = spawn(process.execPath, [main], { env: { PATH: process.env['PATH'], ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  const url = `http://127.0.0.1:${env.PORT}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the poller exited with ${child.exitCode}`);
    const ready = await fetch(`${url}/health/ready`).then((answer) => answer.status === 200, () => false);
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error('the poller was not ready within 120 s');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return {
    url,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** The poller's own Prometheus figures: counters summed over labels, histogram buckets kept. */
export interface PollerFigures {
  readonly cpuSeconds: number;
  readonly residentBytes: number;
  readonly polls: number;
  readonly records: number;
  readonly lagCount: number;
  readonly lagSum: number;
  /** `le` → cumulative count. */
  readonly lagBuckets: ReadonlyMap<number, number>;
}

export async function readPollerFigures(url: string): Promise<PollerFigures> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const sum = (name: string, filter = ''): number =>
    [...text.matchAll(new RegExp(`^${name}(?:\\{([^}]*)\\})? ([0-9.e+-]+)$`, 'gm'))]
      .filter((match) => (match[1] ?? '').includes(filter))
      .reduce((total, match) => total + Number(match[2]), 0);
  const buckets = new Map<number, number>();
  for (const match of text.matchAll(/^poller_schedule_lag_seconds_bucket\{([^}]*)\} ([0-9.e+-]+)$/gm)) {
    const le = /le="([^"]+)"/.exec(match[1] ?? '')?.[1];
    if (le === undefined) continue;
    const bound = le === '+Inf' ? Infinity : Number(le);
    buckets.set(bound, (buckets.get(bound) ?? 0) + Number(match[2]));
  }
  return {
    cpuSeconds: sum('process_cpu_seconds_total'),
    residentBytes: sum('process_resident_memory_bytes'),
    polls: sum('poller_polls_total', 'outcome="ok"'),
    records: sum('poller_records_total'),
    lagCount: sum('poller_schedule_lag_seconds_count'),
    lagSum: sum('poller_schedule_lag_seconds_sum'),
    lagBuckets: buckets,
  };
}

/** The bucket bound under which `quantile` of the observations between two readings fell. */
export function lagQuantile(before: PollerFigures, after: PollerFigures, quantile: number): number {
  const total = after.lagCount - before.lagCount;
  if (total <= 0) return 0;
  for (const [bound, count] of [...after.lagBuckets].sort(([a], [b]) => a - b)) {
    if (count - (before.lagBuckets.get(bound) ?? 0) >= total * quantile) return bound;
  }
  return Infinity;
}
