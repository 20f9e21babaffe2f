import { DataSource, MigrationExecutor } from 'typeorm';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

/**
 * Connects, creates the schema if needed and runs pending migrations. An advisory lock keyed
 * by schema name makes replicas starting together take turns instead of racing.
 */
export async function openDataSource(options: PostgresConnectionOptions): Promise<DataSource> {
  const schema = options.schema;
  if (schema === undefined || !/^[a-z_][a-z0-9_]*$/.test(schema)) {
    throw new Error(`invalid schema name ${String(schema)}`);
  }
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  const lock = dataSource.createQueryRunner();
  try {
    await lock.connect();
    await lock.query('SELECT pg_advisory_lock(hashtext($1))', [`connector-events:${schema}`]);
    try {
      await lock.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
      // On the lock's own connection: with a single-connection pool another one would never come.
      const migrations = new MigrationExecutor(dataSource, lock);
      migrations.transaction = 'each';
      await migrations.executePendingMigrations();
    } finally {
      await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [`connector-events:${schema}`]);
    }
  } catch (error) {
    await lock.release().catch(() => undefined);
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
  await lock.release();
  return dataSource;
}
