import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@connector-events/persistence';

/**
 * The notifier's delivery state:
 * - `deliveries`: one row per notification and callback URL (idempotent on both), holding the
 *   exact body sent and where the delivery stands: `pending` (due at `next_attempt_at`, claimed
 *   by a process until `lease_until`), `queued` (its callback is deactivated), `delivered`,
 *   `dropped` (the instance is gone or its notifications were switched off);
 * - `callbacks`: callback URLs per organization that were deactivated (after the last retry,
 *   on `410 Gone`, or at once under the `queue` policy) and why;
 * - `account_policies`: each organization's `notification.webhook.failure.policy`.
 */
export class CreateNotifierTables1764100000000 implements MigrationInterface {
  name = 'CreateNotifierTables1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${schema}.deliveries (
        id              bigserial     PRIMARY KEY,
        event_id        varchar(128)  NOT NULL,
        instance_id     bigint        NOT NULL,
        organization_id bigint        NOT NULL,
        callback_id     char(64)      NOT NULL,
        callback_url    text          NOT NULL,
        host            varchar(255)  NOT NULL,
        body            text          NOT NULL,
        state           varchar(16)   NOT NULL,
        in_order        boolean       NOT NULL DEFAULT false,
        attempts        integer       NOT NULL DEFAULT 0,
        next_attempt_at timestamptz   NOT NULL,
        lease_owner     varchar(64),
        lease_until     timestamptz,
        last_status     integer,
        last_error      text,
        created_at      timestamptz   NOT NULL DEFAULT now(),
        updated_at      timestamptz   NOT NULL DEFAULT now(),
        UNIQUE (event_id, callback_id)
      )`);
    await queryRunner.query(`CREATE INDEX deliveries_due ON ${schema}.deliveries (next_attempt_at) WHERE state = 'pending'`);
    await queryRunner.query(`CREATE INDEX deliveries_by_callback ON ${schema}.deliveries (callback_id, id) WHERE state IN ('pending', 'queued')`);
    await queryRunner.query(`CREATE INDEX deliveries_finished ON ${schema}.deliveries (updated_at) WHERE state IN ('delivered', 'dropped')`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.callbacks (
        callback_id     char(64)     PRIMARY KEY,
        organization_id bigint       NOT NULL,
        url             text         NOT NULL,
        active          boolean      NOT NULL,
        reason          text,
        changed_at      timestamptz  NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.account_policies (
        organization_id bigint       PRIMARY KEY,
        failure_policy  varchar(8)   NOT NULL,
        updated_at      timestamptz  NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    for (const table of ['account_policies', 'callbacks', 'deliveries']) await queryRunner.query(`DROP TABLE ${schema}.${table}`);
  }
}
