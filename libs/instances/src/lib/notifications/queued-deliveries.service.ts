import { DataSource } from 'typeorm';
import { EventLogEntity } from '../event-log/event-log.entity';
import { DeliveriesFilter } from './deliveries-where';

/** A notification waiting for its callback to be reactivated, as the deliveries API shows it. */
export interface QueuedDelivery {
  readonly eventId: string;
  readonly instanceId: number;
  readonly eventDate: string;
  readonly attempts: number;
  readonly lastAttempt: object | null;
}

const MAX_LISTED = 1000;

/**
 * The queued deliveries, read from the event log: the notifier reports every attempt on
 * `oc.deliveries.v1`, and an event whose latest attempt left it queued (`QUEUED`, or
 * `CALLBACK_DISABLED` after the last retry) and that is not yet `NOTIFIED` is waiting in its queue.
 * instance-service never reads the notifier's tables.
 */
export class QueuedDeliveriesService {
  constructor(private readonly dataSource: DataSource) {}

  async list(organizationId: number, filter: DeliveriesFilter): Promise<QueuedDelivery[]> {
    const builder = this.dataSource.manager
      .createQueryBuilder(EventLogEntity, 'e')
      .where('e.organizationId = :organizationId', { organizationId })
      .andWhere("e.status <> 'NOTIFIED'")
      .andWhere("e.lastAttempt ->> 'outcome' IN ('QUEUED', 'CALLBACK_DISABLED')")
      .orderBy('e.eventDate', 'ASC')
      .addOrderBy('e.eventId', 'ASC')
      .limit(MAX_LISTED);
    if (filter.instanceId !== undefined) builder.andWhere('e.instanceId = :instanceId', { instanceId: filter.instanceId });
    if (filter.eventId !== undefined) builder.andWhere('e.eventId = :eventId', { eventId: filter.eventId });
    const rows = await builder.getMany();
    return rows.map((row) => ({
      eventId: row.eventId,
      instanceId: Number(row.instanceId),
      eventDate: new Date(row.eventDate).toISOString(),
      attempts: row.attempts,
      lastAttempt: row.lastAttempt,
    }));
  }
}
