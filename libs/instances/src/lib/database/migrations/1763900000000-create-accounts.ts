import { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from '@connector-events/persistence';

export class CreateAccounts1763900000000 implements MigrationInterface {
  name = 'CreateAccounts1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`
      CREATE TABLE ${schema}.organizations (
        id          serial PRIMARY KEY,
        name        varchar(255) NOT NULL,
        secret_hash char(64)     NOT NULL UNIQUE,
        created_at  timestamptz  NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE ${schema}.users (
        id              serial PRIMARY KEY,
        organization_id integer      NOT NULL REFERENCES ${schema}.organizations (id) ON DELETE CASCADE,
        email           varchar(320) NOT NULL,
        secret_hash     char(64)     NOT NULL UNIQUE,
        created_at      timestamptz  NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX users_organization_id ON ${schema}.users (organization_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const schema = schemaOf(queryRunner);
    await queryRunner.query(`DROP TABLE ${schema}.users`);
    await queryRunner.query(`DROP TABLE ${schema}.organizations`);
  }
}
