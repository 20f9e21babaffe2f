/** How the notifier delivers to callback URLs; from the `NOTIFIER_*` and `CALLBACK_*` variables. */
export interface NotifierSettings {
  /** The notifier's Kafka consumer group on `oc.events.notifications.v1`; replicas share it. */
  readonly consumerGroup: string;
  /** Waits before each retry, in milliseconds; its length is the number of retries. */
  readonly retryDelaysMs: readonly number[];
  /** Each wait is stretched by a random fraction up to this (0.2: up to 20 % longer). */
  readonly retryJitter: number;
  /** A callback must answer 2xx within this, else the attempt failed. */
  readonly callbackTimeoutMs: number;
  /** Attempts in flight in this process, over all callbacks. */
  readonly maxConcurrency: number;
  /** Attempts in flight in this process to one callback host. */
  readonly maxConcurrencyPerHost: number;
  /** Whether callback URLs may resolve to private, loopback or link-local addresses. */
  readonly allowPrivateNetworks: boolean;
}

/** The Open Connectors schedule: 5 retries, 2^(3x) seconds. */
export const DEFAULT_RETRY_SCHEDULE_SECONDS = '8,64,512,4096,32768';
export const NOTIFIER_DEFAULTS = {
  consumerGroup: 'notifier',
  retryJitter: 0.2,
  callbackTimeoutMs: 10_000,
  maxConcurrency: 64,
  maxConcurrencyPerHost: 8,
} as const;

const MAX_RETRIES = 20;
const MAX_RETRY_DELAY_SECONDS = 7 * 24 * 3600;

/** Reads and checks the notifier's variables; returns the problems (naming the variable, never its value). */
export function readNotifierSettings(env: Readonly<Record<string, string | undefined>>): { settings: NotifierSettings; problems: string[] } {
  const problems: string[] = [];
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const value = env[name];
    if (value === undefined || value === '') return fallback;
    if (!/^\d+$/.test(value.trim()) || Number(value) < min || Number(value) > max) {
      problems.push(`${name} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return Number(value);
  };

  const group = env['NOTIFIER_CONSUMER_GROUP'] || NOTIFIER_DEFAULTS.consumerGroup;
  if (!/^[A-Za-z0-9._-]{1,200}$/.test(group)) problems.push('NOTIFIER_CONSUMER_GROUP must be 1-200 letters, digits, dots, dashes or underscores');

  const schedule = (env['NOTIFIER_RETRY_SCHEDULE_SECONDS'] ?? DEFAULT_RETRY_SCHEDULE_SECONDS).trim();
  const delays = schedule === '' || schedule === 'none' ? [] : schedule.split(',').map((part) => Number(part.trim()));
  if (delays.length > MAX_RETRIES || delays.some((d) => !Number.isFinite(d) || d < 0 || d > MAX_RETRY_DELAY_SECONDS)) {
    problems.push(
      `NOTIFIER_RETRY_SCHEDULE_SECONDS must be "none" or up to ${MAX_RETRIES} comma-separated waits in seconds (decimals allowed, at most ${MAX_RETRY_DELAY_SECONDS})`,
    );
  }

  const jitterText = env['NOTIFIER_RETRY_JITTER'];
  const jitter = jitterText === undefined || jitterText === '' ? NOTIFIER_DEFAULTS.retryJitter : Number(jitterText);
  if (!Number.isFinite(jitter) || jitter < 0 || jitter > 1) problems.push('NOTIFIER_RETRY_JITTER must be a number from 0 to 1');

  const allow = (env['CALLBACK_ALLOW_PRIVATE_NETWORKS'] ?? 'false').trim().toLowerCase();
  if (!['true', 'false', ''].includes(allow)) problems.push('CALLBACK_ALLOW_PRIVATE_NETWORKS must be true or false');

  return {
    settings: {
      consumerGroup: group,
      retryDelaysMs: delays.map((d) => Math.round(d * 1000)),
      retryJitter: jitter,
      callbackTimeoutMs: integer('NOTIFIER_CALLBACK_TIMEOUT_MS', NOTIFIER_DEFAULTS.callbackTimeoutMs, 100, 300_000),
      maxConcurrency: integer('NOTIFIER_MAX_CONCURRENCY', NOTIFIER_DEFAULTS.maxConcurrency, 1, 10_000),
      maxConcurrencyPerHost: integer('NOTIFIER_MAX_CONCURRENCY_PER_HOST', NOTIFIER_DEFAULTS.maxConcurrencyPerHost, 1, 1_000),
      allowPrivateNetworks: allow === 'true',
    },
    problems,
  };
}
