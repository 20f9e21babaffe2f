import { ParkingPolicy } from './parking/parking-policy';

/** Settings of the normalizer a deployment never changes; tests and benchmarks do. */
export interface NormalizationOptions {
  /** Consumer group on `oc.events.raw.v1`, shared by the replicas. Default `normalizer`. */
  readonly groupId?: string;
  /** How long a raw event waits for an instance this process has not seen yet. Default 10 s. */
  readonly unknownInstanceWaitMs?: number;
  /** How long provider delivery ids are remembered for dropping retries. Default 7 days. */
  readonly deliveryRetentionMs?: number;
  /** When a raw event whose provider keeps failing is parked, and given up. Default {@link DEFAULT_PARKING_POLICY}. */
  readonly parking?: ParkingPolicy;
  /** How often due parked raw events are put back. Default 1 s. */
  readonly redriveEveryMs?: number;
}

export const NORMALIZATION_OPTIONS = Symbol('NORMALIZATION_OPTIONS');

/** The registry `/metrics` serves; provided by the process root (libs/runtime). */
export { PROMETHEUS_REGISTRY } from '@connector-events/config';

export const NORMALIZATION_DEFAULTS = {
  unknownInstanceWaitMs: 10_000,
  deliveryRetentionMs: 7 * 24 * 3600 * 1000,
  pruneEveryMs: 3600 * 1000,
  redriveEveryMs: 1_000,
} as const;
