import { DataSource } from 'typeorm';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { FailurePolicy } from '@connector-events/messaging';
import { AttemptRecord, ClaimedDelivery, DeliveryState, DeliveryStore, NewDelivery, RedeliveryFilter } from './delivery-store';
import { GroupCommit } from './group-commit';

interface ClaimedRow {
  id: string;
  event_id: string;
  instance_id: string;
  organization_id: string;
  callback_id: string;
  callback_url: string;
  host: string;
  body: string;
  attempts: number;
  in_order: boolean;
}

interface NewRow {
  readonly delivery: NewDelivery;
  readonly lease?: { readonly owner: string; readonly leaseMs: number };
}

/** PostgreSQL's `UPDATE`/`DELETE` answer through TypeORM: `[rows, affected]`. */
type Affected = [unknown, number];

/** {@link DeliveryStore} on the notifier's schema, in plain SQL. */
export class PostgresDeliveryStore implements DeliveryStore {
  private readonly schema: string;
  private readonly enqueued = new GroupCommit<NewRow, { id: string; state: DeliveryState } | undefined>((items) => this.writeEnqueued(items));
  /** Successful attempts are most of the writes: recorded many per statement under load. */
  private readonly delivered = new GroupCommit<{ owner: string; id: string; attempt: AttemptRecord }>((items) => this.writeDelivered(items));

  constructor(private readonly dataSource: DataSource) {
    const schema = (dataSource.options as PostgresConnectionOptions).schema;
    if (schema === undefined) throw new Error('the notifier data source has no schema');
    this.schema = `"${schema}"`;
  }

  async enqueue(d: NewDelivery, lease?: { owner: string; leaseMs: number }): Promise<{ id: string; state: DeliveryState } | undefined> {
    return this.enqueued.add({ delivery: d, ...(lease ? { lease } : {}) });
  }

  /** One INSERT for the notifications read together (the partitions consumed at once). */
  private async writeEnqueued(items: readonly NewRow[]): Promise<Array<{ id: string; state: DeliveryState } | undefined>> {
    const column = <V>(pick: (item: NewRow) => V): V[] => items.map(pick);
    const rows = (await this.dataSource.query(
      `WITH input AS (
         SELECT u.*, EXISTS (SELECT 1 FROM ${this.schema}.callbacks c WHERE c.callback_id = u.callback_id AND NOT c.active) AS off
           FROM unnest($1::varchar[], $2::bigint[], $3::bigint[], $4::char(64)[], $5::text[], $6::varchar[], $7::text[], $8::varchar[], $9::double precision[])
                AS u(event_id, instance_id, organization_id, callback_id, callback_url, host, body, owner, lease_ms)
       )
       INSERT INTO ${this.schema}.deliveries
         (event_id, instance_id, organization_id, callback_id, callback_url, host, body, state, next_attempt_at, lease_owner, lease_until)
       SELECT event_id, instance_id, organization_id, callback_id, callback_url, host, body,
              CASE WHEN off THEN 'queued' ELSE 'pending' END,
              now(),
              CASE WHEN off THEN NULL ELSE owner END,
              CASE WHEN off OR owner IS NULL THEN NULL ELSE now() + make_interval(secs => lease_ms / 1000) END
         FROM input
       ON CONFLICT (event_id, callback_id) DO NOTHING
       RETURNING id, event_id, callback_id, state`,
      [
        column((i) => i.delivery.eventId),
        column((i) => i.delivery.instanceId),
        column((i) => i.delivery.organizationId),
        column((i) => i.delivery.callbackId),
        column((i) => i.delivery.callbackUrl),
        column((i) => i.delivery.host),
        column((i) => i.delivery.body),
        column((i) => i.lease?.owner ?? null),
        column((i) => i.lease?.leaseMs ?? 0),
      ],
    )) as { id: string; event_id: string; callback_id: string; state: DeliveryState }[];
    const created = new Map(rows.map((row) => [`${row.event_id}\n${row.callback_id}`, { id: String(row.id), state: row.state }]));
    // The same delivery twice in one batch: the first gets the row, the second is a duplicate.
    return items.map((item) => {
      const key = `${item.delivery.eventId}\n${item.delivery.callbackId}`;
      const result = created.get(key);
      created.delete(key);
      return result;
    });
  }

  async claim(owner: string, limit: number, leaseMs: number, excludedHosts: readonly string[]): Promise<ClaimedDelivery[]> {
    const rows = (await this.dataSource.query(
      `UPDATE ${this.schema}.deliveries d
          SET lease_owner = $1, lease_until = now() + make_interval(secs => $2::double precision / 1000)
        WHERE d.id IN (
          SELECT c.id FROM ${this.schema}.deliveries c
           WHERE c.state = 'pending' AND c.next_attempt_at <= now()
             AND (c.lease_until IS NULL OR c.lease_until < now())
             AND NOT (c.host = ANY($4::varchar[]))
             AND (NOT c.in_order OR NOT EXISTS (
                   SELECT 1 FROM ${this.schema}.deliveries e
                    WHERE e.callback_id = c.callback_id AND e.state = 'pending' AND e.in_order AND e.id < c.id))
           ORDER BY c.next_attempt_at
           LIMIT $3
           FOR UPDATE SKIP LOCKED)
        RETURNING d.id, d.event_id, d.instance_id, d.organization_id, d.callback_id, d.callback_url, d.host, d.body, d.attempts, d.in_order`,
      [owner, leaseMs, limit, excludedHosts],
    )) as [ClaimedRow[], number] | ClaimedRow[];
    const list = Array.isArray(rows[0]) ? (rows[0] as ClaimedRow[]) : (rows as ClaimedRow[]);
    return list.map((row) => ({
      id: String(row.id),
      eventId: row.event_id,
      instanceId: Number(row.instance_id),
      organizationId: Number(row.organization_id),
      callbackId: row.callback_id,
      callbackUrl: row.callback_url,
      host: row.host,
      body: row.body,
      attempts: row.attempts,
      inOrder: row.in_order,
    }));
  }

  async release(owner: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.dataSource.query(
      `UPDATE ${this.schema}.deliveries SET lease_owner = NULL, lease_until = NULL WHERE id = ANY($1::bigint[]) AND lease_owner = $2`,
      [ids, owner],
    );
  }

  async markDelivered(owner: string, id: string, attempt: AttemptRecord): Promise<void> {
    await this.delivered.add({ owner, id, attempt });
  }

  private async writeDelivered(items: ReadonlyArray<{ owner: string; id: string; attempt: AttemptRecord }>): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.schema}.deliveries d
          SET state = 'delivered', in_order = false, attempts = u.attempts, last_status = u.status, last_error = NULL,
              lease_owner = NULL, lease_until = NULL, updated_at = now()
         FROM unnest($1::bigint[], $2::varchar[], $3::int[], $4::int[]) AS u(id, owner, attempts, status)
        WHERE d.id = u.id AND d.lease_owner = u.owner`,
      [items.map((i) => i.id), items.map((i) => i.owner), items.map((i) => i.attempt.attempts), items.map((i) => i.attempt.statusCode ?? null)],
    );
  }

  async scheduleRetry(owner: string, id: string, attempt: AttemptRecord, delayMs: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.schema}.deliveries d
          SET state = CASE WHEN EXISTS (SELECT 1 FROM ${this.schema}.callbacks cb WHERE cb.callback_id = d.callback_id AND NOT cb.active)
                           THEN 'queued' ELSE 'pending' END,
              attempts = $3, last_status = $4, last_error = $5,
              next_attempt_at = now() + make_interval(secs => $6::double precision / 1000),
              lease_owner = NULL, lease_until = NULL, updated_at = now()
        WHERE id = $1 AND lease_owner = $2`,
      [id, owner, attempt.attempts, attempt.statusCode ?? null, attempt.error ?? null, delayMs],
    );
  }

  async deactivateAndQueue(owner: string, delivery: ClaimedDelivery, attempt: AttemptRecord, reason: string): Promise<void> {
    // One statement: the callback deactivated, this delivery and the others waiting for it queued.
    await this.dataSource.query(
      `WITH deactivated AS (
         INSERT INTO ${this.schema}.callbacks (callback_id, organization_id, url, active, reason, changed_at)
         VALUES ($3, $4, $5, false, $6, now())
         ON CONFLICT (callback_id) DO UPDATE SET active = false, reason = EXCLUDED.reason, changed_at = now()
       ), others AS (
         UPDATE ${this.schema}.deliveries SET state = 'queued', in_order = false, updated_at = now()
          WHERE callback_id = $3 AND state = 'pending' AND id <> $1 AND (lease_until IS NULL OR lease_until < now())
       )
       UPDATE ${this.schema}.deliveries
          SET state = 'queued', in_order = false, attempts = $7, last_status = $8, last_error = $9,
              lease_owner = NULL, lease_until = NULL, updated_at = now()
        WHERE id = $1 AND lease_owner = $2`,
      [delivery.id, owner, delivery.callbackId, delivery.organizationId, delivery.callbackUrl, reason, attempt.attempts, attempt.statusCode ?? null, attempt.error ?? reason],
    );
  }

  async drop(owner: string, id: string, reason: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.schema}.deliveries
          SET state = 'dropped', in_order = false, last_error = $3, lease_owner = NULL, lease_until = NULL, updated_at = now()
        WHERE id = $1 AND lease_owner = $2`,
      [id, owner, reason],
    );
  }

  async redeliverQueued(filter: RedeliveryFilter, callbackIds: readonly string[]): Promise<number> {
    const [, affected] = (await this.dataSource.query(
      `WITH reactivated AS (
         UPDATE ${this.schema}.callbacks SET active = true, reason = NULL, changed_at = now()
          WHERE organization_id = $1 AND NOT active
            AND (callback_id = ANY($4::char(64)[])
                 OR ($2::bigint IS NULL AND ($3::text IS NULL OR url = $3::text))
                 OR callback_id IN (SELECT q.callback_id FROM ${this.schema}.deliveries q
                                     WHERE q.state = 'queued' AND q.organization_id = $1 AND q.instance_id = $2::bigint
                                       AND ($3::text IS NULL OR q.callback_url = $3::text)))
       )
       UPDATE ${this.schema}.deliveries
          SET state = 'pending', in_order = true, next_attempt_at = now(), lease_owner = NULL, lease_until = NULL, updated_at = now()
        WHERE state = 'queued' AND organization_id = $1
          AND ($2::bigint IS NULL OR instance_id = $2::bigint)
          AND ($3::text IS NULL OR callback_url = $3::text)`,
      [filter.organizationId, filter.instanceId ?? null, filter.callbackUrl ?? null, callbackIds],
    )) as Affected;
    return affected ?? 0;
  }

  async redeliverEvent(organizationId: number, instanceId: number, eventId: string): Promise<number> {
    const [, affected] = (await this.dataSource.query(
      `UPDATE ${this.schema}.deliveries
          SET state = 'pending', in_order = false, next_attempt_at = now(), updated_at = now()
        WHERE organization_id = $1 AND instance_id = $2 AND event_id = $3
          AND NOT (state = 'pending' AND lease_until IS NOT NULL AND lease_until >= now())`,
      [organizationId, instanceId, eventId],
    )) as Affected;
    return affected ?? 0;
  }

  async failurePolicy(organizationId: number): Promise<FailurePolicy | undefined> {
    const rows = (await this.dataSource.query(`SELECT failure_policy FROM ${this.schema}.account_policies WHERE organization_id = $1`, [
      organizationId,
    ])) as { failure_policy: FailurePolicy }[];
    return rows[0]?.failure_policy;
  }

  async setFailurePolicy(organizationId: number, policy: FailurePolicy): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${this.schema}.account_policies (organization_id, failure_policy, updated_at) VALUES ($1, $2, now())
       ON CONFLICT (organization_id) DO UPDATE SET failure_policy = EXCLUDED.failure_policy, updated_at = now()`,
      [organizationId, policy],
    );
  }

  async countWaiting(): Promise<Record<'pending' | 'queued', number>> {
    const rows = (await this.dataSource.query(
      `SELECT state, count(*)::int AS count FROM ${this.schema}.deliveries WHERE state IN ('pending', 'queued') GROUP BY state`,
    )) as { state: 'pending' | 'queued'; count: number }[];
    const counts = { pending: 0, queued: 0 };
    for (const row of rows) counts[row.state] = row.count;
    return counts;
  }

  async prune(before: Date): Promise<number> {
    const [, affected] = (await this.dataSource.query(
      `DELETE FROM ${this.schema}.deliveries WHERE state IN ('delivered', 'dropped') AND updated_at < $1`,
      [before],
    )) as Affected;
    return affected ?? 0;
  }
}
