import { QueryRunner } from 'typeorm';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

/**
 * The quoted schema of the data source a migration runs on, for schema-qualified SQL.
 * search_path cannot be used instead: embedded PGlite has one session shared by every
 * connection, so a per-connection setting would leak between services.
 */
export function schemaOf(queryRunner: QueryRunner): string {
  const schema = (queryRunner.connection.options as PostgresConnectionOptions).schema;
  if (schema === undefined) throw new Error('the data source has no schema');
  return `"${schema}"`;
}
