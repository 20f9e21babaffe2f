import { DataSource } from 'typeorm';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { RawEvent } from '@connector-events/event-schema';
import { ParkedRawEvent, ParkedRawEventStore } from './parked-raw-event-store';

/** {@link ParkedRawEventStore} on the normalizer's schema; replicas share it without double sends (SKIP LOCKED). */
export class PostgresParkedRawEventStore implements ParkedRawEventStore {
  private readonly schema: string;

  constructor(private readonly dataSource: DataSource) {
    const schema = (dataSource.options as PostgresConnectionOptions).schema;
    if (schema === undefined) throw new Error('the normalizer data source has no schema');
    this.schema = `"${schema}"`;
  }

  async park({ raw, nextAttemptAt, lastError, parkedAt }: ParkedRawEvent): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${this.schema}.parked_raw_events (raw_event_id, instance_id, received_at, raw, parked_attempts, parked_at, next_attempt_at, last_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (raw_event_id) DO UPDATE SET raw = EXCLUDED.raw, parked_attempts = EXCLUDED.parked_attempts,
         parked_at = EXCLUDED.parked_at, next_attempt_at = EXCLUDED.next_attempt_at, last_error = EXCLUDED.last_error`,
      [raw.rawEventId, raw.instanceId, raw.receivedAt, JSON.stringify(raw), raw.parkedAttempts ?? 0, parkedAt, nextAttemptAt, lastError.slice(0, 2048)],
    );
  }

  async nextAttemptOf(instanceId: number): Promise<Date | undefined> {
    const [row] = (await this.dataSource.query(`SELECT min(next_attempt_at) AS next FROM ${this.schema}.parked_raw_events WHERE instance_id = $1`, [instanceId])) as {
      next: Date | null;
    }[];
    return row?.next ? new Date(row.next) : undefined;
  }

  async redriveDue(now: Date, instances: number, publish: (raws: readonly RawEvent[]) => Promise<void>): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows = (await manager.query(
        `SELECT raw_event_id, raw FROM ${this.schema}.parked_raw_events
         WHERE instance_id IN (
           SELECT instance_id FROM ${this.schema}.parked_raw_events WHERE next_attempt_at <= $1
           GROUP BY instance_id ORDER BY min(next_attempt_at) LIMIT $2)
         ORDER BY instance_id, received_at, seq
         FOR UPDATE SKIP LOCKED`,
        [now, instances],
      )) as { raw_event_id: string; raw: string }[];
      if (rows.length === 0) return 0;
      await publish(rows.map((row) => JSON.parse(row.raw) as RawEvent));
      await manager.query(`DELETE FROM ${this.schema}.parked_raw_events WHERE raw_event_id = ANY($1)`, [rows.map((row) => row.raw_event_id)]);
      return rows.length;
    });
  }

  async count(): Promise<number> {
    const [row] = (await this.dataSource.query(`SELECT count(*)::int AS n FROM ${this.schema}.parked_raw_events`)) as { n: number }[];
    return row?.n ?? 0;
  }
}
