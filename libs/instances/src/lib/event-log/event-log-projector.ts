import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventNotification } from '@connector-events/event-schema';
import { DeliveryAttemptMessage, IncomingMessage } from '@connector-events/messaging';
import { EVENT_LOG_STATUSES, EventLogStatus } from './event-log-status';
import { EventLogEntity } from './event-log.entity';

const STATUS_ORDER = `ARRAY[${EVENT_LOG_STATUSES.map((s) => `'${s}'`).join(',')}]::varchar[]`;

/**
 * Folds `oc.events.notifications.v1` and `oc.deliveries.v1` into the event log. Both arrive
 * at least once and in any order relative to each other, so every write is an idempotent
 * upsert whose status only moves forward.
 */
export class EventLogProjector {
  private readonly logger = new Logger(EventLogProjector.name);

  constructor(private readonly dataSource: DataSource) {}

  async onNotification(message: IncomingMessage<EventNotification>): Promise<void> {
    const notification = message.value;
    if (!notification) return;
    const { eventId, instanceId, raw } = notification.message;
    const organizationId = await this.organizationOf(instanceId);
    if (organizationId === undefined) return;
    await this.upsert({
      eventId,
      instanceId,
      organizationId,
      eventDate: new Date(message.timestamp),
      status: 'DISPATCHED',
      providerData: raw,
      notifiedData: notification,
      attempts: 0,
      lastAttempt: null,
    });
  }

  async onDelivery(message: IncomingMessage<DeliveryAttemptMessage>): Promise<void> {
    const attempt = message.value;
    if (!attempt) return;
    const organizationId = await this.organizationOf(attempt.instanceId);
    if (organizationId === undefined) return;
    await this.upsert({
      eventId: attempt.eventId,
      instanceId: attempt.instanceId,
      organizationId,
      eventDate: new Date(attempt.attemptedAt),
      status: attempt.outcome === 'DELIVERED' ? 'NOTIFIED' : 'DISPATCHED',
      providerData: null,
      notifiedData: null,
      attempts: attempt.attempt,
      lastAttempt: attempt,
    });
  }

  /** From the event store's first event, so even a deleted instance's events are attributed. */
  private async organizationOf(instanceId: number): Promise<number | undefined> {
    const rows = (await this.dataSource.query(
      `SELECT (data->>'organizationId')::int AS organization_id FROM ${this.schema}.instance_events WHERE instance_id = $1 AND version = 1`,
      [instanceId],
    )) as { organization_id: number }[];
    const organizationId = rows[0]?.organization_id;
    if (organizationId === undefined) this.logger.warn({ instanceId }, 'event for an unknown instance; not logged');
    return organizationId;
  }

  private async upsert(row: {
    eventId: string;
    instanceId: number;
    organizationId: number;
    eventDate: Date;
    status: EventLogStatus;
    providerData: object | null;
    notifiedData: object | null;
    attempts: number;
    lastAttempt: object | null;
  }): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${this.schema}.event_log AS e
         (event_id, instance_id, organization_id, event_date, status, provider_data, notified_data, attempts, last_attempt, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
       ON CONFLICT (event_id) DO UPDATE SET
         status = CASE WHEN array_position(${STATUS_ORDER}, EXCLUDED.status) > array_position(${STATUS_ORDER}, e.status)
                       THEN EXCLUDED.status ELSE e.status END,
         provider_data = COALESCE(EXCLUDED.provider_data, e.provider_data),
         notified_data = COALESCE(EXCLUDED.notified_data, e.notified_data),
         event_date = LEAST(e.event_date, EXCLUDED.event_date),
         last_attempt = CASE WHEN EXCLUDED.attempts >= e.attempts AND EXCLUDED.last_attempt IS NOT NULL
                             THEN EXCLUDED.last_attempt ELSE e.last_attempt END,
         attempts = GREATEST(e.attempts, EXCLUDED.attempts),
         updated_at = now()`,
      [
        row.eventId,
        row.instanceId,
        row.organizationId,
        row.eventDate,
        row.status,
        row.providerData === null ? null : JSON.stringify(row.providerData),
        row.notifiedData === null ? null : JSON.stringify(row.notifiedData),
        row.attempts,
        row.lastAttempt === null ? null : JSON.stringify(row.lastAttempt),
      ],
    );
  }

  private get schema(): string {
    return this.dataSource.getMetadata(EventLogEntity).schema ?? 'public';
  }
}
