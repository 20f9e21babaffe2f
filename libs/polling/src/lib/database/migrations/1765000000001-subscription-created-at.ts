import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@connector-events/persistence';

/**
 * When a subscription row was made, so a process starting up can tell rows of instances deleted
 * while no poller read the tombstone (older than its start) from rows of instances created
 * since, which its view has not reached yet.
 */
export class SubscriptionCreatedAt1765000000001 implements MigrationInterface {
  name = 'SubscriptionCreatedAt1765000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ${schemaOf(queryRunner)}.provider_subscriptions ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE ${schemaOf(queryRunner)}.provider_subscriptions DROP COLUMN created_at`);
  }
}
