import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@connector-events/persistence';

/** The event log read model: one row per notification, its status advanced by delivery attempts. */
export class CreateEventLog1763900002000 implements MigrationInterface {
  name = 'CreateEventLog1763900002000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${schema}.event_log (
        event_id        varchar(128) PRIMARY KEY,
        instance_id     bigint       NOT NULL,
        organization_id integer      NOT NULL,
        event_date      timestamptz  NOT NULL,
        status          varchar(16)  NOT NULL,
        provider_data   jsonb,
        notified_data   jsonb,
        attempts        integer      NOT NULL DEFAULT 0,
        last_attempt    jsonb,
        updated_at      timestamptz  NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX event_log_organization ON ${schema}.event_log (organization_id, event_date, event_id)`);
    await queryRunner.query(`CREATE INDEX event_log_instance ON ${schema}.event_log (instance_id, event_date, event_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${schemaOf(queryRunner)}.event_log`);
  }
}
