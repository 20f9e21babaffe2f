import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@connector-events/persistence';

/**
 * The instances' event store (the source of truth), the current-state projection (rebuildable
 * from the store), and the outbox that carries each change to `oc.instances.v1`.
 */
export class CreateInstances1763900001000 implements MigrationInterface {
  name = 'CreateInstances1763900001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`CREATE SEQUENCE ${schema}.instance_ids START 1`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.instance_events (
        instance_id    bigint       NOT NULL,
        version        integer      NOT NULL CHECK (version >= 1),
        type           varchar(64)  NOT NULL,
        data           jsonb        NOT NULL,
        sealed_secrets text,
        occurred_at    timestamptz  NOT NULL,
        position       bigserial    NOT NULL UNIQUE,
        PRIMARY KEY (instance_id, version)
      )`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.instances (
        id              bigint        PRIMARY KEY,
        version         integer       NOT NULL,
        organization_id integer       NOT NULL,
        user_id         integer       NOT NULL,
        element_key     varchar(64)   NOT NULL,
        name            varchar(1024) NOT NULL,
        tags            jsonb         NOT NULL,
        configuration   jsonb         NOT NULL,
        provider_data   jsonb         NOT NULL,
        sealed_secrets  text          NOT NULL,
        token_hash      char(64)      NOT NULL UNIQUE,
        token_type      varchar(32)   NOT NULL,
        token_expires_at timestamptz,
        events_enabled  boolean       NOT NULL,
        created_date    timestamptz   NOT NULL,
        updated_date    timestamptz   NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX instances_organization_id ON ${schema}.instances (organization_id, id)`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.instance_outbox (
        position     bigserial   PRIMARY KEY,
        instance_id  bigint      NOT NULL,
        version      integer     NOT NULL,
        snapshot     jsonb,
        created_at   timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX instance_outbox_unpublished ON ${schema}.instance_outbox (position) WHERE published_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE ${schema}.instance_outbox`);
    await queryRunner.query(`DROP TABLE ${schema}.instances`);
    await queryRunner.query(`DROP TABLE ${schema}.instance_events`);
    await queryRunner.query(`DROP SEQUENCE ${schema}.instance_ids`);
  }
}
