import { StoredTokens } from '@connector-events/provider-sessions';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { ClaimedPoll, ClaimedSubscription, FinishedPoll, PollerStore, ScheduleEntry, SubscriptionOutcome } from './poller-store';

interface ClaimRow {
  instance_id: string;
  element_key: string;
  next_poll_at: Date;
  interval_ms: string;
  enabled_at: Date;
  failures: number;
  lag_ms: string | number;
  watermarks: { resource: string; watermark: string; recent: string }[] | string | null;
  tokens: TokensRow | string | null;
}

interface TokensRow {
  sealed_tokens: string;
  expires_at: string | Date | null;
  provider_data: string;
  refreshed_at: string | Date;
  replaced_access_token: string;
  reported: boolean;
}

interface SubscriptionRow {
  instance_id: string;
  resource: string;
  element_key: string;
  wanted: boolean;
  subscription_id: string | null;
  expires_at: Date | null;
  failures: number;
}

/** {@link PollerStore} on the service's PostgreSQL schema (or PGlite), in plain SQL. */
export class PostgresPollerStore implements PollerStore {
  private readonly schema: string;

  constructor(private readonly dataSource: DataSource) {
    const schema = (dataSource.options as PostgresConnectionOptions).schema;
    if (schema === undefined) throw new Error('the poller data source has no schema');
    this.schema = `"${schema}"`;
  }

  async schedule(scope: string, entry: ScheduleEntry): Promise<void> {
    // Every right-hand side reads the row as it was. A row that was disabled starts a new
    // enablement: its polls start from this snapshot's time, not from the old watermarks.
    await this.dataSource.query(
      `INSERT INTO ${this.schema}.poll_schedules AS p (scope, instance_id, element_key, instance_version, enabled, enabled_at, interval_ms, next_poll_at)
       VALUES ($1, $2, $3, $4, true, $5, $6, $7)
       ON CONFLICT (scope, instance_id) DO UPDATE SET
         element_key = EXCLUDED.element_key,
         instance_version = EXCLUDED.instance_version,
         enabled_at = CASE WHEN p.enabled THEN p.enabled_at ELSE EXCLUDED.enabled_at END,
         next_poll_at = CASE
           WHEN NOT p.enabled THEN EXCLUDED.next_poll_at
           WHEN p.interval_ms = EXCLUDED.interval_ms THEN p.next_poll_at
           ELSE LEAST(p.next_poll_at, EXCLUDED.next_poll_at) END,
         interval_ms = EXCLUDED.interval_ms,
         failures = CASE WHEN p.enabled THEN p.failures ELSE 0 END,
         enabled = true
       WHERE p.instance_version < EXCLUDED.instance_version`,
      [scope, entry.instanceId, entry.elementKey, entry.instanceVersion, entry.enabledAt, entry.intervalMs, entry.firstDueAt],
    );
  }

  async disable(scope: string, instanceId: number, instanceVersion: number): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.schema}.poll_schedules SET enabled = false, instance_version = $3, lease_token = NULL, lease_until = NULL
       WHERE scope = $1 AND instance_id = $2 AND instance_version < $3`,
      [scope, instanceId, instanceVersion],
    );
  }

  async forget(scope: string, instanceId: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`DELETE FROM ${this.schema}.poll_schedules WHERE scope = $1 AND instance_id = $2`, [scope, instanceId]);
      await manager.query(`DELETE FROM ${this.schema}.poll_watermarks WHERE scope = $1 AND instance_id = $2`, [scope, instanceId]);
    });
  }

  async scheduledInstances(scope: string, createdBefore: Date): Promise<number[]> {
    const rows = (await this.dataSource.query(
      `SELECT instance_id FROM ${this.schema}.poll_schedules WHERE scope = $1 AND enabled AND created_at < $2`,
      [scope, createdBefore],
    )) as { instance_id: string }[];
    return rows.map((row) => Number(row.instance_id));
  }

  async now(): Promise<Date> {
    const [row] = (await this.dataSource.query('SELECT now() AS now')) as { now: Date }[];
    return new Date(row?.now ?? Date.now());
  }

  async claimDue(scope: string, elementKey: string, limit: number, leaseMs: number): Promise<ClaimedPoll[]> {
    const leaseToken = randomUUID();
    const rows = returnedRows<ClaimRow>(await this.dataSource.query(
      `WITH due AS (
         SELECT instance_id FROM ${this.schema}.poll_schedules
         WHERE scope = $1 AND element_key = $2 AND enabled AND next_poll_at <= now() AND (lease_until IS NULL OR lease_until < now())
         ORDER BY next_poll_at LIMIT $3 FOR UPDATE SKIP LOCKED)
       UPDATE ${this.schema}.poll_schedules p SET lease_token = $4, lease_until = now() + ($5::bigint * interval '1 millisecond')
       FROM due WHERE p.scope = $1 AND p.instance_id = due.instance_id
       RETURNING p.instance_id, p.element_key, p.next_poll_at, p.interval_ms, p.enabled_at, p.failures,
                 EXTRACT(EPOCH FROM (now() - p.next_poll_at)) * 1000 AS lag_ms,
                 (SELECT json_agg(json_build_object('resource', w.resource, 'watermark', w.watermark, 'recent', w.recent))
                    FROM ${this.schema}.poll_watermarks w
                   WHERE w.scope = p.scope AND w.instance_id = p.instance_id AND w.enabled_at = p.enabled_at) AS watermarks,
                 (SELECT row_to_json(t) FROM ${this.schema}.instance_tokens t WHERE t.instance_id = p.instance_id) AS tokens`,
      [scope, elementKey, limit, leaseToken, leaseMs],
    ));
    return rows.map((row) => ({
      instanceId: Number(row.instance_id),
      elementKey: row.element_key,
      dueAt: new Date(row.next_poll_at),
      intervalMs: Number(row.interval_ms),
      enabledAt: new Date(row.enabled_at),
      failures: row.failures,
      leaseToken,
      lagMs: Math.max(0, Number(row.lag_ms)),
      watermarks: new Map(
        json<{ resource: string; watermark: string; recent: string }[]>(row.watermarks ?? []).map((w) => [
          w.resource,
          { watermark: new Date(w.watermark), recent: JSON.parse(w.recent) as Record<string, number> },
        ]),
      ),
      ...(row.tokens ? { refreshedTokens: storedTokensOf(json<TokensRow>(row.tokens)) } : {}),
    }));
  }

  /**
   * One statement, so one round trip and atomic: the schedule row moves on only if the lease is
   * still ours, and the watermarks are written only with it, and only for the enablement they
   * belong to (events disabled and enabled again meanwhile start afresh).
   */
  async finish(scope: string, claim: ClaimedPoll, finished: FinishedPoll): Promise<boolean> {
    const resources = [...finished.watermarks.keys()];
    const values = [...finished.watermarks.values()];
    const rows = (await this.dataSource.query(
      `WITH done AS (
         UPDATE ${this.schema}.poll_schedules
            SET next_poll_at = $4, failures = $5, last_outcome = $6, last_polled_at = now(), lease_token = NULL, lease_until = NULL
          WHERE scope = $1 AND instance_id = $2 AND lease_token = $3
          RETURNING enabled, enabled_at),
       saved AS (
         INSERT INTO ${this.schema}.poll_watermarks (scope, instance_id, resource, enabled_at, watermark, recent)
         SELECT $1, $2, x.resource, $7, x.watermark, x.recent
           FROM unnest($8::text[], $9::timestamptz[], $10::text[]) AS x(resource, watermark, recent), done
          WHERE done.enabled AND done.enabled_at = $7
         ON CONFLICT (scope, instance_id, resource) DO UPDATE SET enabled_at = EXCLUDED.enabled_at, watermark = EXCLUDED.watermark, recent = EXCLUDED.recent
         RETURNING 1)
       SELECT (SELECT count(*) FROM done) AS finished, (SELECT count(*) FROM saved) AS saved`,
      [
        scope,
        claim.instanceId,
        claim.leaseToken,
        finished.nextPollAt,
        finished.failures,
        finished.outcome.slice(0, 32),
        claim.enabledAt,
        resources,
        values.map((value) => value.watermark.toISOString()),
        values.map((value) => JSON.stringify(value.recent)),
      ],
    )) as { finished: string | number }[];
    // Zero: the lease was lost (expired and taken by another process), whose poll decides.
    return Number(rows[0]?.finished ?? 0) > 0;
  }

  async refreshedTokens(instanceId: number): Promise<StoredTokens | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT sealed_tokens, expires_at, provider_data, refreshed_at, replaced_access_token, reported FROM ${this.schema}.instance_tokens WHERE instance_id = $1`,
      [instanceId],
    )) as TokensRow[];
    return row ? storedTokensOf(row) : undefined;
  }

  async saveRefreshedTokens(instanceId: number, tokens: StoredTokens): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${this.schema}.instance_tokens (instance_id, sealed_tokens, expires_at, provider_data, refreshed_at, replaced_access_token, reported)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (instance_id) DO UPDATE SET sealed_tokens = EXCLUDED.sealed_tokens, expires_at = EXCLUDED.expires_at,
         provider_data = EXCLUDED.provider_data, refreshed_at = EXCLUDED.refreshed_at,
         replaced_access_token = EXCLUDED.replaced_access_token, reported = EXCLUDED.reported`,
      [instanceId, tokens.sealedTokens, tokens.expiresAt ?? null, JSON.stringify(tokens.providerData), tokens.refreshedAt, tokens.replacedAccessToken, tokens.reported],
    );
  }

  async markTokensReported(instanceId: number, refreshedAt: string): Promise<void> {
    await this.dataSource.query(`UPDATE ${this.schema}.instance_tokens SET reported = true WHERE instance_id = $1 AND refreshed_at = $2`, [instanceId, refreshedAt]);
  }

  async wantSubscriptions(scope: string, instanceId: number, instanceVersion: number, elementKey: string, resources: readonly string[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const resource of resources) {
        await manager.query(
          `INSERT INTO ${this.schema}.provider_subscriptions AS s (scope, instance_id, resource, element_key, instance_version, wanted, due_at)
           VALUES ($1, $2, $3, $4, $5, true, now())
           ON CONFLICT (scope, instance_id, resource) DO UPDATE SET
             wanted = true, instance_version = EXCLUDED.instance_version,
             due_at = CASE WHEN s.wanted THEN s.due_at ELSE now() END
           WHERE s.instance_version < EXCLUDED.instance_version`,
          [scope, instanceId, resource, elementKey, instanceVersion],
        );
      }
      // Unwanted ones are deleted at the provider by the next run; those never created just go.
      await manager.query(
        `DELETE FROM ${this.schema}.provider_subscriptions
         WHERE scope = $1 AND instance_id = $2 AND NOT (resource = ANY($3::text[])) AND subscription_id IS NULL AND lease_token IS NULL AND instance_version <= $4`,
        [scope, instanceId, [...resources], instanceVersion],
      );
      await manager.query(
        `UPDATE ${this.schema}.provider_subscriptions SET wanted = false, due_at = now(), instance_version = $4
         WHERE scope = $1 AND instance_id = $2 AND NOT (resource = ANY($3::text[])) AND instance_version <= $4`,
        [scope, instanceId, [...resources], instanceVersion],
      );
    });
  }

  async subscriptionRemoved(subscriptionId: string): Promise<boolean> {
    const result = (await this.dataSource.query(
      `UPDATE ${this.schema}.provider_subscriptions SET subscription_id = NULL, expires_at = NULL, due_at = now(), failures = 0
       WHERE subscription_id = $1 AND wanted`,
      [subscriptionId],
    )) as [unknown[], number];
    return result[1] > 0;
  }

  async subscriptionDueNow(subscriptionId: string): Promise<boolean> {
    const result = (await this.dataSource.query(
      `UPDATE ${this.schema}.provider_subscriptions SET due_at = now() WHERE subscription_id = $1 AND wanted`,
      [subscriptionId],
    )) as [unknown[], number];
    return result[1] > 0;
  }

  async claimDueSubscriptions(scope: string, limit: number, leaseMs: number): Promise<ClaimedSubscription[]> {
    const leaseToken = randomUUID();
    const rows = returnedRows<SubscriptionRow>(await this.dataSource.query(
      `WITH due AS (
         SELECT instance_id, resource FROM ${this.schema}.provider_subscriptions
         WHERE scope = $1 AND due_at <= now() AND (lease_until IS NULL OR lease_until < now())
         ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       UPDATE ${this.schema}.provider_subscriptions s SET lease_token = $3, lease_until = now() + ($4::bigint * interval '1 millisecond')
       FROM due WHERE s.scope = $1 AND s.instance_id = due.instance_id AND s.resource = due.resource
       RETURNING s.instance_id, s.resource, s.element_key, s.wanted, s.subscription_id, s.expires_at, s.failures`,
      [scope, limit, leaseToken, leaseMs],
    ));
    return rows.map((row) => ({
      instanceId: Number(row.instance_id),
      resource: row.resource,
      elementKey: row.element_key,
      wanted: row.wanted,
      ...(row.subscription_id ? { subscriptionId: row.subscription_id } : {}),
      ...(row.expires_at ? { expiresAt: new Date(row.expires_at) } : {}),
      failures: row.failures,
      leaseToken,
    }));
  }

  async finishSubscription(scope: string, claim: ClaimedSubscription, outcome: SubscriptionOutcome): Promise<void> {
    const key = [scope, claim.instanceId, claim.resource, claim.leaseToken];
    const where = `scope = $1 AND instance_id = $2 AND resource = $3 AND lease_token = $4`;
    if (outcome.kind === 'active') {
      // Kept even if the instance stopped wanting it meanwhile, so the next run deletes it.
      await this.dataSource.query(
        `UPDATE ${this.schema}.provider_subscriptions SET subscription_id = $5, expires_at = $6,
           due_at = CASE WHEN wanted THEN $7 ELSE now() END, failures = 0, lease_token = NULL, lease_until = NULL
         WHERE ${where}`,
        [...key, outcome.subscriptionId, outcome.expiresAt, outcome.renewAt],
      );
    } else if (outcome.kind === 'removed') {
      await this.dataSource.transaction(async (manager) => {
        await manager.query(`DELETE FROM ${this.schema}.provider_subscriptions WHERE ${where} AND NOT wanted`, key);
        await manager.query(
          `UPDATE ${this.schema}.provider_subscriptions SET subscription_id = NULL, expires_at = NULL, due_at = now(), lease_token = NULL, lease_until = NULL
           WHERE ${where}`,
          key,
        );
      });
    } else {
      await this.dataSource.query(
        `UPDATE ${this.schema}.provider_subscriptions SET due_at = $5, failures = $6, lease_token = NULL, lease_until = NULL WHERE ${where}`,
        [...key, outcome.at, outcome.failures],
      );
    }
  }

  async subscribedInstances(scope: string, createdBefore: Date): Promise<number[]> {
    const rows = (await this.dataSource.query(
      `SELECT DISTINCT instance_id FROM ${this.schema}.provider_subscriptions WHERE scope = $1 AND wanted AND created_at < $2`,
      [scope, createdBefore],
    )) as { instance_id: string }[];
    return rows.map((row) => Number(row.instance_id));
  }

  async subscriptionsOf(scope: string, instanceId: number): Promise<{ resource: string; subscriptionId?: string; wanted: boolean }[]> {
    const rows = (await this.dataSource.query(
      `SELECT resource, subscription_id, wanted FROM ${this.schema}.provider_subscriptions WHERE scope = $1 AND instance_id = $2 ORDER BY resource`,
      [scope, instanceId],
    )) as { resource: string; subscription_id: string | null; wanted: boolean }[];
    return rows.map((row) => ({ resource: row.resource, wanted: row.wanted, ...(row.subscription_id ? { subscriptionId: row.subscription_id } : {}) }));
  }
}

/** TypeORM answers an UPDATE … RETURNING with `[rows, count]` on PostgreSQL, and with the rows elsewhere. */
function returnedRows<T>(result: unknown): T[] {
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}

/** json/jsonb columns come parsed from `pg`, and as text from some drivers. */
function json<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}

function storedTokensOf(row: TokensRow): StoredTokens {
  return {
    sealedTokens: row.sealed_tokens,
    ...(row.expires_at ? { expiresAt: new Date(row.expires_at).toISOString() } : {}),
    providerData: JSON.parse(row.provider_data) as Record<string, string>,
    refreshedAt: new Date(row.refreshed_at).toISOString(),
    replacedAccessToken: row.replaced_access_token,
    reported: row.reported,
  };
}
