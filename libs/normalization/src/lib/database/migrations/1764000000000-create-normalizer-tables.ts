import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@connector-events/persistence';

/**
 * What the normalizer must remember between raw events:
 * - `connector_state`: per-instance adapter state such as Dropbox's `list_folder` cursor;
 * - `instance_tokens`: OAuth tokens it refreshed itself (sealed), used until the instance
 *   snapshot carries them;
 * - `seen_deliveries`: provider delivery ids, to drop a provider's own retries;
 * - `pending_results`: a stateful adapter's output kept between publishing and storing its
 *   state, so a redelivery republishes exactly the same notifications.
 * Results are kept as JSON text, not jsonb, so a republished page is byte for byte the same.
 */
export class CreateNormalizerTables1764000000000 implements MigrationInterface {
  name = 'CreateNormalizerTables1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${schema}.connector_state (
        instance_id bigint       NOT NULL,
        key         varchar(128) NOT NULL,
        value       text         NOT NULL,
        updated_at  timestamptz  NOT NULL DEFAULT now(),
        PRIMARY KEY (instance_id, key)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.instance_tokens (
        instance_id            bigint      PRIMARY KEY,
        sealed_tokens          text        NOT NULL,
        expires_at             timestamptz,
        provider_data          text        NOT NULL,
        refreshed_at           timestamptz NOT NULL,
        replaced_access_token  char(64)    NOT NULL,
        reported               boolean     NOT NULL DEFAULT false
      )`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.seen_deliveries (
        instance_id       bigint       NOT NULL,
        provider_event_id varchar(512) NOT NULL,
        raw_event_id      varchar(128) NOT NULL,
        seen_at           timestamptz  NOT NULL,
        PRIMARY KEY (instance_id, provider_event_id)
      )`);
    await queryRunner.query(`CREATE INDEX seen_deliveries_seen_at ON ${schema}.seen_deliveries (seen_at)`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.pending_results (
        instance_id  bigint       NOT NULL,
        raw_event_id varchar(128) NOT NULL,
        result       text         NOT NULL,
        created_at   timestamptz  NOT NULL,
        PRIMARY KEY (instance_id, raw_event_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    for (const table of ['pending_results', 'seen_deliveries', 'instance_tokens', 'connector_state']) {
      await queryRunner.query(`DROP TABLE ${schema}.${table}`);
    }
  }
}
