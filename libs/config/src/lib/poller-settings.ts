/** How the poller schedules and runs polls; from the `POLLER_*` variables. */
export interface PollerSettings {
  /**
   * The length of one `event.poller.refresh_interval` minute, in milliseconds: 60000 in
   * production; tests and benchmarks shorten it so a "15-minute" schedule runs in seconds.
   */
  readonly minuteMs: number;
  /** Polls (and subscription calls) in flight in this process to one provider. */
  readonly concurrencyPerProvider: number;
  /**
   * When set, this deployment polls only the instances carrying this tag, and keeps its
   * schedule apart from other deployments' (sharding by tenant or region; isolated tests).
   */
  readonly instanceTag?: string;
}

export const POLLER_DEFAULTS = {
  minuteMs: 60_000,
  concurrencyPerProvider: 32,
} as const;

/** Reads and checks the poller's variables; returns the problems (naming the variable, never its value). */
export function readPollerSettings(env: Readonly<Record<string, string | undefined>>): { settings: PollerSettings; problems: string[] } {
  const problems: string[] = [];
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = env[name];
    if (value === undefined || value.trim() === '') return fallback;
    if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return Number(value);
  };
  const tag = env['POLLER_INSTANCE_TAG']?.trim() ?? '';
  if (tag.length > 200) problems.push('POLLER_INSTANCE_TAG must be at most 200 characters');
  return {
    settings: {
      minuteMs: integer('POLLER_MINUTE_MS', POLLER_DEFAULTS.minuteMs, 100, 3_600_000),
      concurrencyPerProvider: integer('POLLER_CONCURRENCY_PER_PROVIDER', POLLER_DEFAULTS.concurrencyPerProvider, 1, 1_000),
      ...(tag !== '' && tag.length <= 200 ? { instanceTag: tag } : {}),
    },
    problems,
  };
}
