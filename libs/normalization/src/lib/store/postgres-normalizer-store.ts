import { StoredTokens } from '@connector-events/provider-sessions';
import { DataSource } from 'typeorm';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { CompletedRawEvent, NormalizationResult, NormalizerStore, RawEventContext } from './normalizer-store';

interface ContextRow {
  state: Record<string, string> | null;
  pending: string | null;
  first_raw_event_id: string | null;
}

interface TokensRow {
  sealed_tokens: string;
  expires_at: Date | null;
  provider_data: string;
  refreshed_at: Date;
  replaced_access_token: string;
  reported: boolean;
}

/** {@link NormalizerStore} on the service's PostgreSQL schema, in plain SQL. */
export class PostgresNormalizerStore implements NormalizerStore {
  private readonly schema: string;

  constructor(private readonly dataSource: DataSource) {
    const schema = (dataSource.options as PostgresConnectionOptions).schema;
    if (schema === undefined) throw new Error('the normalizer data source has no schema');
    this.schema = `"${schema}"`;
  }

  /** One round trip: the hot path reads state, a pending result and the dedup row together. */
  async context(instanceId: number, rawEventId: string, providerEventId?: string): Promise<RawEventContext> {
    const [row] = (await this.dataSource.query(
      `SELECT
         (SELECT jsonb_object_agg(key, value) FROM ${this.schema}.connector_state WHERE instance_id = $1) AS state,
         (SELECT result FROM ${this.schema}.pending_results WHERE instance_id = $1 AND raw_event_id = $2) AS pending,
         (SELECT raw_event_id FROM ${this.schema}.seen_deliveries WHERE instance_id = $1 AND provider_event_id = $3) AS first_raw_event_id`,
      [instanceId, rawEventId, providerEventId ?? null],
    )) as ContextRow[];
    return {
      state: row?.state ?? {},
      ...(row?.pending ? { pending: JSON.parse(row.pending) as NormalizationResult } : {}),
      ...(row?.first_raw_event_id ? { firstRawEventId: row.first_raw_event_id } : {}),
    };
  }

  async savePending(instanceId: number, rawEventId: string, result: NormalizationResult, at: Date): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${this.schema}.pending_results (instance_id, raw_event_id, result, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (instance_id, raw_event_id) DO UPDATE SET result = EXCLUDED.result, created_at = EXCLUDED.created_at`,
      [instanceId, rawEventId, JSON.stringify(result), at],
    );
  }

  async complete(instanceId: number, rawEventId: string, completed: CompletedRawEvent): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const [key, value] of Object.entries(completed.stateUpdates)) {
        await manager.query(
          `INSERT INTO ${this.schema}.connector_state (instance_id, key, value, updated_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (instance_id, key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
          [instanceId, key, value, completed.at],
        );
      }
      if (completed.providerEventId !== undefined) {
        await manager.query(
          `INSERT INTO ${this.schema}.seen_deliveries (instance_id, provider_event_id, raw_event_id, seen_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT (instance_id, provider_event_id) DO NOTHING`,
          [instanceId, completed.providerEventId, rawEventId, completed.at],
        );
      }
      await manager.query(`DELETE FROM ${this.schema}.pending_results WHERE instance_id = $1 AND raw_event_id = $2`, [instanceId, rawEventId]);
    });
  }

  async hasConnectorState(instanceId: number): Promise<boolean> {
    const rows = (await this.dataSource.query(`SELECT 1 FROM ${this.schema}.connector_state WHERE instance_id = $1 LIMIT 1`, [
      instanceId,
    ])) as unknown[];
    return rows.length > 0;
  }

  async initializeConnectorState(instanceId: number, state: Readonly<Record<string, string>>): Promise<boolean> {
    const entries = Object.entries(state);
    if (entries.length === 0) return false;
    return this.dataSource.transaction(async (manager) => {
      // Serializes with a concurrent initialization of the same instance (another replica).
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`normalizer:state:${instanceId}`]);
      const existing = (await manager.query(`SELECT 1 FROM ${this.schema}.connector_state WHERE instance_id = $1 LIMIT 1`, [
        instanceId,
      ])) as unknown[];
      if (existing.length > 0) return false;
      for (const [key, value] of entries) {
        await manager.query(`INSERT INTO ${this.schema}.connector_state (instance_id, key, value) VALUES ($1, $2, $3)`, [instanceId, key, value]);
      }
      return true;
    });
  }

  async clearConnectorState(instanceId: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM ${this.schema}.connector_state WHERE instance_id = $1`, [instanceId]);
  }

  async refreshedTokens(instanceId: number): Promise<StoredTokens | undefined> {
    const [row] = (await this.dataSource.query(
      `SELECT sealed_tokens, expires_at, provider_data, refreshed_at, replaced_access_token, reported
         FROM ${this.schema}.instance_tokens WHERE instance_id = $1`,
      [instanceId],
    )) as TokensRow[];
    if (!row) return undefined;
    return {
      sealedTokens: row.sealed_tokens,
      ...(row.expires_at ? { expiresAt: row.expires_at.toISOString() } : {}),
      providerData: JSON.parse(row.provider_data) as Record<string, string>,
      refreshedAt: row.refreshed_at.toISOString(),
      replacedAccessToken: row.replaced_access_token,
      reported: row.reported,
    };
  }

  async saveRefreshedTokens(instanceId: number, tokens: StoredTokens): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO ${this.schema}.instance_tokens
         (instance_id, sealed_tokens, expires_at, provider_data, refreshed_at, replaced_access_token, reported)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (instance_id) DO UPDATE SET
         sealed_tokens = EXCLUDED.sealed_tokens, expires_at = EXCLUDED.expires_at, provider_data = EXCLUDED.provider_data,
         refreshed_at = EXCLUDED.refreshed_at, replaced_access_token = EXCLUDED.replaced_access_token, reported = EXCLUDED.reported`,
      [
        instanceId,
        tokens.sealedTokens,
        tokens.expiresAt ?? null,
        JSON.stringify(tokens.providerData),
        tokens.refreshedAt,
        tokens.replacedAccessToken,
        tokens.reported,
      ],
    );
  }

  async markTokensReported(instanceId: number, refreshedAt: string): Promise<void> {
    await this.dataSource.query(`UPDATE ${this.schema}.instance_tokens SET reported = true WHERE instance_id = $1 AND refreshed_at = $2`, [
      instanceId,
      refreshedAt,
    ]);
  }

  async forgetInstance(instanceId: number): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      for (const table of ['connector_state', 'instance_tokens', 'seen_deliveries', 'pending_results']) {
        await manager.query(`DELETE FROM ${this.schema}.${table} WHERE instance_id = $1`, [instanceId]);
      }
    });
  }

  async prune(before: Date): Promise<number> {
    const [, seen] = (await this.dataSource.query(`DELETE FROM ${this.schema}.seen_deliveries WHERE seen_at < $1`, [before])) as [
      unknown,
      number,
    ];
    const [, pending] = (await this.dataSource.query(`DELETE FROM ${this.schema}.pending_results WHERE created_at < $1`, [before])) as [
      unknown,
      number,
    ];
    return (seen ?? 0) + (pending ?? 0);
  }
}
