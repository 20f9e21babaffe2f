import { readFileSync } from 'node:fs';

/** Resident set size of a process in bytes (`VmRSS` in /proc), or undefined when it is gone. */
export function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Peak and last RSS of named processes, sampled every `intervalMs` while it runs. */
export class MemorySampler {
  readonly peak = new Map<string, number>();
  readonly last = new Map<string, number>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly pids: () => ReadonlyMap<string, number | undefined>) {}

  start(intervalMs = 500): this {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  private sample(): void {
    for (const [name, pid] of this.pids()) {
      const bytes = pid === undefined ? undefined : residentBytes(pid);
      if (bytes === undefined) continue;
      this.last.set(name, bytes);
      this.peak.set(name, Math.max(bytes, this.peak.get(name) ?? 0));
    }
  }
}
