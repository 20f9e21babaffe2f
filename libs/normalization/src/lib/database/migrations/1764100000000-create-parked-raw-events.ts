import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@connector-events/persistence';

/**
 * `parked_raw_events`: raw events set aside while their provider keeps failing, so they stop
 * holding up the other instances on their partition. An instance's parked raw events go back
 * on `oc.events.raw.v1` together, in the order they were received (`received_at`, then `seq`),
 * once the earliest `next_attempt_at` comes. The raw event is kept as its JSON text.
 */
export class CreateParkedRawEvents1764100000000 implements MigrationInterface {
  name = 'CreateParkedRawEvents1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${schema}.parked_raw_events (
        raw_event_id    varchar(128)  PRIMARY KEY,
        seq             bigserial     NOT NULL,
        instance_id     bigint        NOT NULL,
        received_at     timestamptz   NOT NULL,
        raw             text          NOT NULL,
        parked_attempts integer       NOT NULL,
        parked_at       timestamptz   NOT NULL,
        next_attempt_at timestamptz   NOT NULL,
        last_error      varchar(2048) NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX parked_raw_events_due ON ${schema}.parked_raw_events (next_attempt_at)`);
    await queryRunner.query(`CREATE INDEX parked_raw_events_instance ON ${schema}.parked_raw_events (instance_id, received_at, seq)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ${schemaOf(queryRunner)}.parked_raw_events`);
  }
}
