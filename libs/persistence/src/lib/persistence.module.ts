import { DynamicModule, Global, Module } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig } from '@connector-events/config';
import { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { DatabaseRegistry } from './database-registry';
import { openDataSource } from './open-data-source';
import { ServiceDatabase } from './service-database';

/** Token of the optional `pg` replacement every data source of the process uses. */
const PG_DRIVER = Symbol('PG_DRIVER');

@Global()
@Module({})
class DatabaseRootModule {}

@Module({})
export class PersistenceModule {
  /** Once per process: the registry that readiness checks, and the embedded driver if any. */
  static forRoot(options: { pgDriver?: object } = {}): DynamicModule {
    return {
      module: DatabaseRootModule,
      providers: [DatabaseRegistry, { provide: PG_DRIVER, useValue: options.pgDriver ?? null }],
      exports: [DatabaseRegistry, PG_DRIVER],
    };
  }

  /** A service's own data source, migrated at start, with repositories for its entities. */
  static forService(database: ServiceDatabase): DynamicModule {
    const registration = {
      provide: `${database.name}:database-registration`,
      inject: [getDataSourceToken(database.name), DatabaseRegistry],
      useFactory: (dataSource: DataSource, registry: DatabaseRegistry): boolean => {
        registry.add(database.name, dataSource);
        return true;
      },
    };
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRootAsync({
          name: database.name,
          inject: [APP_CONFIG, PG_DRIVER],
          useFactory: (config: AppConfig, pgDriver: object | null) =>
            dataSourceOptions(database, { ...config.database, ...(pgDriver === null ? {} : { pgDriver }) }),
          dataSourceFactory: (options) => openDataSource(options as PostgresConnectionOptions),
        }),
      ],
      providers: [registration],
      exports: [TypeOrmModule],
    };
  }
}
