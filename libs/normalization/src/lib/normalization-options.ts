/** Settings of the normalizer a deployment never changes; tests and benchmarks do. */
export interface NormalizationOptions {
  /** Consumer group on `oc.events.raw.v1`, shared by the replicas. Default `normalizer`. */
  readonly groupId?: string;
  /** How long a raw event waits for an instance this process has not seen yet. Default 10 s. */
  readonly unknownInstanceWaitMs?: number;
  /** How long provider delivery ids are remembered for dropping retries. Default 7 days. */
  readonly deliveryRetentionMs?: number;
}

export const NORMALIZATION_OPTIONS = Symbol('NORMALIZATION_OPTIONS');

/** The registry `/metrics` serves; provided by the process root (libs/runtime). */
export { PROMETHEUS_REGISTRY } from '@connector-events/config';

export const NORMALIZATION_DEFAULTS = {
  unknownInstanceWaitMs: 10_000,
  deliveryRetentionMs: 7 * 24 * 3600 * 1000,
  pruneEveryMs: 3600 * 1000,
} as const;
