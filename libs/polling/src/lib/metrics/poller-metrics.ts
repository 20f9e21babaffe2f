import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** What became of one claimed poll. */
export const POLL_OUTCOMES = ['ok', 'throttled', 'failed', 'unauthorized', 'configuration_invalid', 'skipped', 'lease_lost'] as const;
export type PollOutcome = (typeof POLL_OUTCOMES)[number];

/** The poller's Prometheus metrics, registered on the registry it is given. */
export class PollerMetrics {
  readonly polls: Counter<'element_key' | 'outcome'>;
  readonly records: Counter<'element_key'>;
  readonly rawEvents: Counter<'element_key'>;
  readonly lag: Histogram<'element_key'>;
  readonly duration: Histogram<'element_key'>;
  readonly inFlight: Gauge<'element_key'>;
  readonly scheduled: Gauge;
  readonly subscriptions: Counter<'element_key' | 'action' | 'outcome'>;

  constructor(readonly registry: Registry = new Registry()) {
    this.polls = new Counter({
      name: 'poller_polls_total',
      help: 'Polls of one instance (all its resources), by connector and outcome.',
      labelNames: ['element_key', 'outcome'],
      registers: [registry],
    });
    this.records = new Counter({
      name: 'poller_records_total',
      help: 'Changed records published in raw polling events.',
      labelNames: ['element_key'],
      registers: [registry],
    });
    this.rawEvents = new Counter({
      name: 'poller_raw_events_published_total',
      help: 'Raw polling events published to oc.events.raw.v1.',
      labelNames: ['element_key'],
      registers: [registry],
    });
    this.lag = new Histogram({
      name: 'poller_schedule_lag_seconds',
      help: 'How long after its slot a poll was started: grows when the process cannot keep up.',
      labelNames: ['element_key'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
      registers: [registry],
    });
    this.duration = new Histogram({
      name: 'poller_poll_duration_seconds',
      help: 'Time to poll every resource of one instance and publish the raw events.',
      labelNames: ['element_key'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.inFlight = new Gauge({
      name: 'poller_polls_in_flight',
      help: 'Polls running in this process, by connector.',
      labelNames: ['element_key'],
      registers: [registry],
    });
    this.scheduled = new Gauge({
      name: 'poller_instances_scheduled',
      help: 'Instances this process sees as polled (events enabled, polling), over all processes of the deployment.',
      registers: [registry],
    });
    this.subscriptions = new Counter({
      name: 'poller_subscription_calls_total',
      help: 'Provider webhook subscription calls, by connector, action (create, renew, delete) and outcome.',
      labelNames: ['element_key', 'action', 'outcome'],
      registers: [registry],
    });
  }
}
