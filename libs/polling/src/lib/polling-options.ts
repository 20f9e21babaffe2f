import { PollerSettings } from '@connector-events/config';

/** Settings of the poller a deployment sets with `POLLER_*`; tests and benchmarks override them here. */
export interface PollingOptions {
  readonly settings?: Partial<PollerSettings>;
  /** How long a claimed poll is this process's before another may take it over. Default 5 poller minutes, at least 5 s. */
  readonly leaseMs?: number;
  /** How often due polls are looked for. Default a quarter of a poller minute, at most 1 s. */
  readonly tickMs?: number;
  /** Consumer group reading Graph lifecycle notifications from `oc.events.raw.v1`. Default `poller[.<tag>].lifecycle`. */
  readonly lifecycleGroupId?: string;
  /** Lifetime asked for provider subscriptions; the provider's maximum when absent (tests shorten it to see renewals). */
  readonly subscriptionLifetimeMs?: number;
}

export const POLLING_OPTIONS = Symbol('POLLING_OPTIONS');

/** The registry `/metrics` serves; provided by the process root (libs/runtime). */
export { PROMETHEUS_REGISTRY } from '@connector-events/config';

/** The settings in force, every default applied. */
export interface ResolvedPollingOptions {
  readonly minuteMs: number;
  readonly concurrencyPerProvider: number;
  /** The deployment's scope in the tables: the instance tag, or '' for every instance. */
  readonly scope: string;
  readonly instanceTag?: string;
  readonly leaseMs: number;
  readonly tickMs: number;
  readonly lifecycleGroupId: string;
}

export function resolvePollingOptions(settings: PollerSettings, options: PollingOptions = {}): ResolvedPollingOptions {
  const merged = { ...settings, ...options.settings };
  const tag = merged.instanceTag;
  return {
    minuteMs: merged.minuteMs,
    concurrencyPerProvider: merged.concurrencyPerProvider,
    scope: tag ?? '',
    ...(tag ? { instanceTag: tag } : {}),
    leaseMs: options.leaseMs ?? Math.max(5 * merged.minuteMs, 5_000),
    tickMs: options.tickMs ?? Math.min(1_000, Math.max(20, Math.floor(merged.minuteMs / 4))),
    lifecycleGroupId: options.lifecycleGroupId ?? (tag ? `poller.${tag.replace(/[^A-Za-z0-9._-]/g, '_')}.lifecycle` : 'poller.lifecycle'),
  };
}
