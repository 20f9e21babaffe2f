import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@connector-events/persistence';

/**
 * What the poller keeps. Every table is keyed by `scope` first: `POLLER_INSTANCE_TAG` (or '')
 * names a deployment, and deployments never claim each other's rows.
 * - `poll_schedules`: one row per polled instance; `next_poll_at` spread over the interval by
 *   a hash of the id; claimed with `FOR UPDATE SKIP LOCKED` and a lease (`lease_token`,
 *   `lease_until`) so processes share the work and a crashed one's claim expires. Rows of
 *   disabled instances stay (`enabled` false) so an older snapshot cannot re-enable them.
 * - `poll_watermarks`: the last poll time per instance and resource, for the enablement it
 *   belongs to (`enabled_at`), and the records already reported inside the `pollDelay` window.
 * - `instance_tokens`: OAuth tokens the poller refreshed (sealed), used until the instance
 *   snapshot carries them.
 * - `provider_subscriptions`: webhook subscriptions at the provider (Microsoft Graph), one per
 *   instance and resource, with their own due time and lease; `wanted` false means "delete".
 */
export class CreatePollerTables1765000000000 implements MigrationInterface {
  name = 'CreatePollerTables1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${schema}.poll_schedules (
        scope            varchar(200) NOT NULL,
        instance_id      bigint       NOT NULL,
        element_key      varchar(64)  NOT NULL,
        instance_version integer      NOT NULL,
        enabled          boolean      NOT NULL,
        enabled_at       timestamptz  NOT NULL,
        interval_ms      bigint       NOT NULL,
        next_poll_at     timestamptz  NOT NULL,
        lease_token      uuid,
        lease_until      timestamptz,
        failures         integer      NOT NULL DEFAULT 0,
        last_polled_at   timestamptz,
        last_outcome     varchar(32),
        created_at       timestamptz  NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, instance_id)
      )`);
    await queryRunner.query(`CREATE INDEX poll_schedules_due ON ${schema}.poll_schedules (scope, element_key, next_poll_at) WHERE enabled`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.poll_watermarks (
        scope       varchar(200) NOT NULL,
        instance_id bigint       NOT NULL,
        resource    varchar(255) NOT NULL,
        enabled_at  timestamptz  NOT NULL,
        watermark   timestamptz  NOT NULL,
        recent      text         NOT NULL,
        PRIMARY KEY (scope, instance_id, resource)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.instance_tokens (
        instance_id           bigint      PRIMARY KEY,
        sealed_tokens         text        NOT NULL,
        expires_at            timestamptz,
        provider_data         text        NOT NULL,
        refreshed_at          timestamptz NOT NULL,
        replaced_access_token char(64)    NOT NULL,
        reported              boolean     NOT NULL DEFAULT false
      )`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.provider_subscriptions (
        scope            varchar(200)  NOT NULL,
        instance_id      bigint        NOT NULL,
        resource         varchar(512)  NOT NULL,
        element_key      varchar(64)   NOT NULL,
        instance_version integer       NOT NULL,
        wanted           boolean       NOT NULL,
        subscription_id  varchar(255),
        expires_at       timestamptz,
        due_at           timestamptz   NOT NULL,
        lease_token      uuid,
        lease_until      timestamptz,
        failures         integer       NOT NULL DEFAULT 0,
        PRIMARY KEY (scope, instance_id, resource)
      )`);
    await queryRunner.query(`CREATE INDEX provider_subscriptions_due ON ${schema}.provider_subscriptions (scope, due_at)`);
    await queryRunner.query(`CREATE INDEX provider_subscriptions_id ON ${schema}.provider_subscriptions (subscription_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    for (const table of ['provider_subscriptions', 'instance_tokens', 'poll_watermarks', 'poll_schedules']) {
      await queryRunner.query(`DROP TABLE ${schema}.${table}`);
    }
  }
}
