import { LoadResult } from './http-load';

/** A titled block of `label  value` lines, for figures that are read by people and pasted into docs. */
export function formatSection(title: string, rows: ReadonlyArray<readonly [string, string]>): string {
  const width = Math.max(...rows.map(([label]) => label.length));
  return [`${title}`, ...rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`), ''].join('\n');
}

export function httpLoadRows(result: LoadResult): Array<[string, string]> {
  const ms = (value: number): string => `${value.toFixed(2)} ms`;
  const errors = Object.entries(result.errors);
  return [
    ['requests', `${result.requests} (concurrency ${result.concurrency})`],
    ['duration', `${(result.durationMs / 1000).toFixed(2)} s`],
    ['throughput', `${result.requestsPerSecond.toFixed(0)} requests/s`],
    ['latency p50', ms(result.latency.p50)],
    ['latency p90', ms(result.latency.p90)],
    ['latency p99', ms(result.latency.p99)],
    ['latency max', ms(result.latency.max)],
    ['errors', errors.length === 0 ? '0' : errors.map(([status, count]) => `${count} × ${status}`).join(', ')],
  ];
}
