import { randomBytes } from 'node:crypto';
import { DEFAULT_WEBHOOK_MAX_BODY_BYTES, kafkaMaxMessageBytesFor } from '@connector-events/config';
import { ConnectorRegistry, createConnectorRegistry } from '@connector-events/connectors';
import { RawEvent } from '@connector-events/event-schema';
import { InstanceRecord, MessageBus } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { InstanceLookup } from '../instances/instance-lookup';
import { NormalizerMetrics } from '../metrics/normalizer-metrics';
import { NotificationPublisher } from '../normalizing/notification-publisher';
import { NormalizationReport, RawEventNormalizer } from '../normalizing/raw-event-normalizer';
import { normalizerSessions } from '../sessions/normalizer-sessions';
import { InMemoryNormalizerStore } from '../store/in-memory-normalizer-store';
import { NormalizerStore } from '../store/normalizer-store';
import { EncodingOnlyBus } from './encoding-only-bus';

export interface InProcessNormalizerOptions {
  /** The instances raw events may name (what the instance view would hold). */
  readonly instances: readonly InstanceRecord[];
  /** The built-in connectors when absent (provider calls then go to the real hosts). */
  readonly connectors?: ConnectorRegistry;
  /** Memory when absent; a `PostgresNormalizerStore` measures the database too. */
  readonly store?: NormalizerStore;
  /** Where notifications go: a bus that validates, serializes, counts and drops when absent. */
  readonly bus?: MessageBus;
  /** Seals tokens refreshed during the run; random when absent. */
  readonly secretsKey?: Buffer;
}

/** The normalizer without Nest or Kafka: raw events in, notifications out, timed. */
export interface InProcessNormalizer {
  normalize(raw: RawEvent): Promise<NormalizationReport>;
  readonly metrics: NormalizerMetrics;
  /** The bus notifications go to (an `EncodingOnlyBus` unless one was given). */
  readonly bus: MessageBus;
}

/**
 * The same `RawEventNormalizer` the service runs, wired for benchmarks and tests:
 *
 *   const normalizer = createInProcessNormalizer({ instances: [record] });
 *   const report = await normalizer.normalize(rawEvent); // {outcome, events, notifications, durationMs}
 *
 * Errors are what the service's handler would throw: `PermanentMessageError` for what would go
 * to the dead-letter topic, anything else for what would be retried.
 */
export function createInProcessNormalizer(options: InProcessNormalizerOptions): InProcessNormalizer {
  const byId = new Map(options.instances.map((instance) => [instance.id, instance]));
  const store = options.store ?? new InMemoryNormalizerStore();
  const bus = options.bus ?? new EncodingOnlyBus();
  const connectors = options.connectors ?? createConnectorRegistry({ providerBaseUrls: {} });
  const metrics = new NormalizerMetrics();
  const normalizer = new RawEventNormalizer({
    instances: new InstanceLookup({ get: (id) => byId.get(id) }, { unknownWaitMs: 0 }),
    connectors,
    store,
    sessions: normalizerSessions(store, bus, new SecretBox(options.secretsKey ?? randomBytes(32))),
    publisher: new NotificationPublisher(bus, kafkaMaxMessageBytesFor(DEFAULT_WEBHOOK_MAX_BODY_BYTES)),
    metrics,
  });
  return { normalize: (raw) => normalizer.normalize(raw), metrics, bus };
}
