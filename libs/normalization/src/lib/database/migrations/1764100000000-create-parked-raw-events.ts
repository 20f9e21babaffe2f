import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@connector-events/persistence';

/**
 * `parked_raw_events`: raw events set aside while their provider keeps failing, so they stop
 * holding up the other instances on their partition; each goes back on `oc.events.raw.v1`
 * when `next_attempt_at` comes. The raw event is kept as its JSON text.
 */
export class CreateParkedRawEvents1764100000000 implements MigrationInterface {
  name = 'CreateParkedRawEvents1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${schema}.parked_raw_events (
        raw_event_id    varchar(128)  PRIMARY KEY,
        instance_id     bigint        NOT NULL,
        raw             text          NOT NULL,
        parked_attempts integer       NOT NULL,
        parked_at       timestamptz   NOT NULL,
        next_attempt_at timestamptz   NOT NULL,
        last_error      varchar(2048) NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX parked_raw_events_due ON ${schema}.parked_raw_events (next_attempt_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${schemaOf(queryRunner)}.parked_raw_events`);
  }
}
