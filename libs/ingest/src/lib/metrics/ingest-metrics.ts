import { Counter, Registry } from 'prom-client';
import { IngestOutcome } from '../pipeline/ingest-rejection';

/** Label for calls whose element key names no connector: keeps hostile keys out of the label set. */
export const UNKNOWN_ELEMENT_KEY_LABEL = 'unknown';

/** webhook-ingest's own Prometheus series, in the process registry served at `/metrics`. */
export class IngestMetrics {
  private readonly calls: Counter<'element_key' | 'outcome'>;
  private readonly rawEvents: Counter<'element_key'>;

  constructor(registry: Registry) {
    this.calls = new Counter({
      name: 'webhook_ingest_calls_total',
      help: 'Provider webhook calls answered, by connector and outcome (accepted, handshake, or why refused).',
      labelNames: ['element_key', 'outcome'],
      registers: [registry],
    });
    this.rawEvents = new Counter({
      name: 'webhook_ingest_raw_events_total',
      help: 'Raw events acknowledged by Kafka on oc.events.raw.v1, by connector (one per instance a call fans out to).',
      labelNames: ['element_key'],
      registers: [registry],
    });
  }

  call(elementKey: string | undefined, outcome: IngestOutcome): void {
    this.calls.inc({ element_key: elementKey ?? UNKNOWN_ELEMENT_KEY_LABEL, outcome });
  }

  published(elementKey: string, count: number): void {
    this.rawEvents.inc({ element_key: elementKey }, count);
  }
}
