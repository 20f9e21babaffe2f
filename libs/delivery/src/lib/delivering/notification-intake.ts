import { Logger } from '@nestjs/common';
import { EventNotification } from '@connector-events/event-schema';
import { DeliveryAttemptMessage, IncomingMessage, InstanceRecord, MessageBus, TOPICS } from '@connector-events/messaging';
import { NotifierMetrics } from '../metrics/notifier-metrics';
import { ClaimedDelivery, DeliveryStore, NewDelivery } from '../store/delivery-store';
import { callbackTargetOf } from './callback-target';

export interface InstanceSource {
  get(id: number): InstanceRecord | undefined;
  /** {@link InstanceView.settle}: waits only while the view is behind the topic. Without it, a fixed wait. */
  settle?(id: number, patienceMs: number): Promise<InstanceRecord | undefined>;
}

/**
 * The handler on `oc.events.notifications.v1`. It only records the notification as a delivery
 * (or queues it behind a deactivated callback) and returns, so the partition never waits for a
 * callback: the scheduler makes the attempts. Recording is idempotent on event id and callback,
 * so a notification read twice is delivered once.
 */
export class NotificationIntake {
  private readonly logger = new Logger(NotificationIntake.name);
  private readonly deleted = new Set<number>();

  constructor(
    private readonly deps: {
      readonly instances: InstanceSource;
      readonly store: DeliveryStore;
      readonly bus: MessageBus;
      readonly metrics: NotifierMetrics;
      readonly unknownInstanceWaitMs: number;
      /** Slots for attempting a new delivery at once (see DeliveryScheduler.reserve). */
      readonly scheduler: {
        reserve(host: string): { owner: string; leaseMs: number } | undefined;
        launchReserved(delivery: ClaimedDelivery): void;
        cancelReservation(host: string): void;
        wake(): void;
      };
    },
  ) {}

  /** Fed from the view's changes: `undefined` is a deletion. */
  noteChange(id: number, record: InstanceRecord | undefined): void {
    if (record === undefined) this.deleted.add(id);
    else this.deleted.delete(id);
  }

  async handle(message: IncomingMessage<EventNotification>): Promise<void> {
    const notification = message.value;
    if (!notification) return;
    const { instanceId, eventId } = notification.message;
    const record = await this.find(instanceId);
    if (!record) {
      this.deps.metrics.notifications.inc({ result: 'unknown_instance' });
      this.logger.warn({ instanceId, eventId }, 'notification for an instance this notifier does not know; not delivered');
      return;
    }
    const target = callbackTargetOf(record);
    if (!target) {
      this.deps.metrics.notifications.inc({ result: 'not_wanted' });
      return;
    }
    // The exact bytes every attempt sends and signs: the notification as published.
    const body = JSON.stringify(notification);
    const delivery: NewDelivery = {
      eventId,
      instanceId,
      organizationId: record.organizationId,
      callbackId: target.callbackId,
      callbackUrl: target.url,
      host: target.host,
      body,
    };
    const { scheduler } = this.deps;
    const reserved = scheduler.reserve(target.host);
    let recorded: Awaited<ReturnType<DeliveryStore['enqueue']>>;
    try {
      recorded = await this.deps.store.enqueue(delivery, reserved);
    } catch (error) {
      if (reserved) scheduler.cancelReservation(target.host);
      throw error;
    }
    if (reserved && recorded?.state === 'pending') scheduler.launchReserved({ ...delivery, id: recorded.id, attempts: 0, inOrder: false });
    else if (reserved) scheduler.cancelReservation(target.host);

    if (recorded === undefined) {
      this.deps.metrics.notifications.inc({ result: 'duplicate' });
      return;
    }
    this.deps.metrics.notifications.inc({ result: recorded.state === 'queued' ? 'queued' : 'pending' });
    if (recorded.state === 'queued') {
      const queued: DeliveryAttemptMessage = {
        instanceId,
        eventId,
        attempt: 0,
        outcome: 'QUEUED',
        attemptedAt: new Date().toISOString(),
        durationMs: 0,
        error: 'the callback is deactivated; queued until redelivered',
      };
      this.deps.metrics.attempts.inc({ outcome: 'QUEUED' });
      await this.deps.bus.publish(TOPICS.deliveries, [{ value: queued }]);
    } else if (!reserved) {
      scheduler.wake();
    }
  }

  /**
   * The view may be a moment behind the normalizer's: for an instance never seen it is let catch
   * up with `oc.instances.v1`; one not there then does not exist here and costs no wait.
   */
  private async find(id: number): Promise<InstanceRecord | undefined> {
    const known = this.deps.instances.get(id);
    if (known || this.deleted.has(id)) return known;
    if (this.deps.instances.settle) return this.deps.instances.settle(id, this.deps.unknownInstanceWaitMs);
    const deadline = Date.now() + this.deps.unknownInstanceWaitMs;
    for (;;) {
      const record = this.deps.instances.get(id);
      if (record) return record;
      if (this.deleted.has(id) || Date.now() >= deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
