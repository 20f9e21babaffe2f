import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DELIVERY_OUTCOMES } from '@connector-events/messaging';

/** What became of a notification read from `oc.events.notifications.v1`. */
export const INTAKE_RESULTS = ['pending', 'queued', 'duplicate', 'not_wanted', 'unknown_instance'] as const;
export type IntakeResult = (typeof INTAKE_RESULTS)[number];

/** The notifier's Prometheus metrics, registered on the registry it is given. */
export class NotifierMetrics {
  readonly notifications: Counter<'result'>;
  readonly attempts: Counter<'outcome'>;
  readonly attemptDuration: Histogram<'outcome'>;
  readonly inFlight: Gauge;
  readonly waiting: Gauge<'state'>;

  constructor(
    readonly registry: Registry = new Registry(),
    countWaiting?: () => Promise<Record<'pending' | 'queued', number>>,
  ) {
    this.notifications = new Counter({
      name: 'notifier_notifications_total',
      help: `Notifications read, by result (${INTAKE_RESULTS.join(', ')}).`,
      labelNames: ['result'],
      registers: [registry],
    });
    this.attempts = new Counter({
      name: 'notifier_delivery_attempts_total',
      help: `Delivery attempts to callback URLs, by outcome (${DELIVERY_OUTCOMES.join(', ')}).`,
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.attemptDuration = new Histogram({
      name: 'notifier_delivery_attempt_duration_seconds',
      help: 'Time from sending a notification to the callback answer (or the failure), by outcome.',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    });
    this.inFlight = new Gauge({
      name: 'notifier_deliveries_in_flight',
      help: 'Attempts this process is making now.',
      registers: [registry],
    });
    this.waiting = new Gauge({
      name: 'notifier_deliveries_waiting',
      help: 'Deliveries waiting in the database (all replicas): pending (due now or retrying later) and queued (callback deactivated).',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        if (!countWaiting) return;
        const counts = await countWaiting().catch(() => undefined);
        if (!counts) return;
        this.set({ state: 'pending' }, counts.pending);
        this.set({ state: 'queued' }, counts.queued);
      },
    });
  }
}
