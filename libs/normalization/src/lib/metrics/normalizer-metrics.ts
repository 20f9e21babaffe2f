import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What became of one raw event. */
export const RAW_EVENT_OUTCOMES = [
  'published',
  'no_events',
  'duplicate',
  'unknown_instance',
  'deleted_instance',
  'events_disabled',
  'dead_lettered',
  'failed',
] as const;
export type RawEventOutcome = (typeof RAW_EVENT_OUTCOMES)[number];

/** The normalizer's Prometheus metrics, registered on the registry it is given. */
export class NormalizerMetrics {
  readonly rawEvents: Counter<'element_key' | 'source' | 'outcome'>;
  readonly notifications: Counter<'element_key'>;
  readonly eventObjects: Counter<'element_key'>;
  readonly duration: Histogram<'element_key' | 'source'>;
  readonly parked: Counter<'element_key'>;
  readonly redriven: Counter;
  readonly parkedNow: Gauge;

  constructor(readonly registry: Registry = new Registry()) {
    this.rawEvents = new Counter({
      name: 'normalizer_raw_events_total',
      help: 'Raw events handled, by connector, source and outcome (failed ones are retried).',
      labelNames: ['element_key', 'source', 'outcome'],
      registers: [registry],
    });
    this.notifications = new Counter({
      name: 'normalizer_notifications_published_total',
      help: 'Notifications published to oc.events.notifications.v1.',
      labelNames: ['element_key'],
      registers: [registry],
    });
    this.eventObjects = new Counter({
      name: 'normalizer_event_objects_published_total',
      help: 'Event objects published to oc.events.objects.v1.',
      labelNames: ['element_key'],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'normalizer_raw_event_duration_seconds',
      help: 'Time to normalize one raw event and publish its notifications.',
      labelNames: ['element_key', 'source'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.parked = new Counter({
      name: 'normalizer_raw_events_parked_total',
      help: 'Raw events set aside because their provider kept failing (each parking counts).',
      labelNames: ['element_key'],
      registers: [registry],
    });
    this.redriven = new Counter({
      name: 'normalizer_raw_events_redriven_total',
      help: 'Parked raw events put back on oc.events.raw.v1.',
      registers: [registry],
    });
    this.parkedNow = new Gauge({
      name: 'normalizer_raw_events_parked',
      help: 'Raw events parked now, waiting for their provider (all replicas).',
      registers: [registry],
    });
  }
}
