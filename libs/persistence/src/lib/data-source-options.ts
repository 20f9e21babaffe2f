import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { ServiceDatabase } from './service-database';

export interface ConnectionSettings {
  readonly url: string;
  readonly poolSize: number;
  /** A replacement for the `pg` module (embedded mode); the real one when absent. */
  readonly pgDriver?: object;
}

/** TypeORM options for one service's schema; identical on PostgreSQL and on embedded PGlite. */
export function dataSourceOptions(database: ServiceDatabase, connection: ConnectionSettings): PostgresConnectionOptions {
  return {
    type: 'postgres',
    name: database.name,
    url: connection.url,
    schema: database.schema,
    entities: database.entities,
    migrations: database.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    migrationsRun: false,
    synchronize: false,
    // gen_random_uuid() is core PostgreSQL ≥ 13 and exists in PGlite; uuid-ossp does not.
    uuidExtension: 'pgcrypto',
    applicationName: `connector-events-${database.name}`,
    extra: { max: connection.poolSize, connectionTimeoutMillis: 10_000 },
    ...(connection.pgDriver === undefined ? {} : { driver: connection.pgDriver }),
  };
}
