import { DataSource, SelectQueryBuilder } from 'typeorm';
import { EventLogEntity } from './event-log.entity';
import { EventLogStatus } from './event-log-status';

export interface EventLogQuery {
  readonly organizationId: number;
  readonly instanceId?: number;
  readonly from?: Date;
  readonly to?: Date;
  readonly pageSize: number;
  readonly nextPage?: string;
}

/** An event log record as Open Connectors shows it. */
export interface EventLogRecord {
  readonly id: string;
  readonly instanceId: number;
  readonly eventDate: string;
  readonly status: EventLogStatus;
  readonly providerData: object | null;
  readonly notifiedData: object | null;
  readonly attempts: number;
  readonly lastAttempt: object | null;
}

export const ANALYTICS_INTERVALS = ['minute', 'hour', 'day', 'week', 'month'] as const;
export type AnalyticsInterval = (typeof ANALYTICS_INTERVALS)[number];

/** Reads of the event log: newest first, keyset-paged so pages stay stable while events arrive. */
export class EventLogService {
  constructor(private readonly dataSource: DataSource) {}

  async list(query: EventLogQuery): Promise<{ records: EventLogRecord[]; nextPage?: string }> {
    const builder = this.scoped(query).orderBy('e.eventDate', 'DESC').addOrderBy('e.eventId', 'DESC').limit(query.pageSize + 1);
    const cursor = query.nextPage ? decodeCursor(query.nextPage) : undefined;
    if (cursor) {
      builder.andWhere('(e.eventDate, e.eventId) < (:date, :id)', { date: cursor.date, id: cursor.id });
    }
    const rows = await builder.getMany();
    const page = rows.slice(0, query.pageSize);
    const last = page[page.length - 1];
    return {
      records: page.map(toRecord),
      ...(rows.length > query.pageSize && last ? { nextPage: encodeCursor(last) } : {}),
    };
  }

  async get(organizationId: number, eventId: string, instanceId?: number): Promise<EventLogRecord | undefined> {
    const row = await this.dataSource.manager.findOneBy(EventLogEntity, {
      eventId,
      organizationId,
      ...(instanceId !== undefined ? { instanceId: String(instanceId) } : {}),
    });
    return row ? toRecord(row) : undefined;
  }

  /** Event counts per interval between `from` and `to`. */
  async analytics(organizationId: number, from: Date, to: Date, interval: AnalyticsInterval): Promise<{ count: number; timestamp: string }[]> {
    const rows = (await this.scoped({ organizationId, from, to, pageSize: 0 })
      .select(`date_trunc('${interval}', e.eventDate)`, 'bucket')
      .addSelect('count(*)::int', 'count')
      .groupBy('bucket')
      .orderBy('bucket', 'ASC')
      .getRawMany()) as { bucket: Date; count: number }[];
    return rows.map((row) => ({ count: row.count, timestamp: new Date(row.bucket).toISOString() }));
  }

  private scoped(query: EventLogQuery): SelectQueryBuilder<EventLogEntity> {
    const builder = this.dataSource.manager
      .createQueryBuilder(EventLogEntity, 'e')
      .where('e.organizationId = :organizationId', { organizationId: query.organizationId });
    if (query.instanceId !== undefined) builder.andWhere('e.instanceId = :instanceId', { instanceId: query.instanceId });
    if (query.from) builder.andWhere('e.eventDate >= :from', { from: query.from });
    if (query.to) builder.andWhere('e.eventDate < :to', { to: query.to });
    return builder;
  }
}

function toRecord(row: EventLogEntity): EventLogRecord {
  return {
    id: row.eventId,
    instanceId: Number(row.instanceId),
    eventDate: new Date(row.eventDate).toISOString(),
    status: row.status,
    providerData: row.providerData,
    notifiedData: row.notifiedData,
    attempts: row.attempts,
    lastAttempt: row.lastAttempt,
  };
}

function encodeCursor(row: EventLogEntity): string {
  return Buffer.from(JSON.stringify([new Date(row.eventDate).toISOString(), row.eventId])).toString('base64url');
}

/** A cursor a client tampered with is simply a bad request, never a query error. */
export function decodeCursor(text: string): { date: Date; id: string } | undefined {
  try {
    const [date, id] = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as [string, string];
    const parsed = new Date(date);
    if (typeof id !== 'string' || Number.isNaN(parsed.getTime())) return undefined;
    return { date: parsed, id };
  } catch {
    return undefined;
  }
}
