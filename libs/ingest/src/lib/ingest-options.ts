import { ConnectorRegistry } from '@connector-events/connectors';

/** How long a provider call may wait for Kafka to acknowledge its raw events (providers give 3–10 s). */
export const DEFAULT_PUBLISH_TIMEOUT_MS = 5_000;

/** What tests and benchmarks may change; a service runs with the defaults. */
export interface IngestOptions {
  /** The connectors to accept calls for; by default the built-in and configured generic ones. */
  readonly connectors?: ConnectorRegistry;
  /** Past this, the call answers 503 and the provider retries; the publish itself is not cancelled. */
  readonly publishTimeoutMs?: number;
  /** The time signatures are checked against and events are stamped with. */
  readonly clock?: () => Date;
}

/** Nest injection token for {@link IngestOptions} (optional). */
export const INGEST_OPTIONS = Symbol('INGEST_OPTIONS');
