export * from './lib/data-source-options';
export * from './lib/database-registry';
export * from './lib/embedded-postgres';
export * from './lib/open-data-source';
export * from './lib/persistence.module';
export * from './lib/service-database';
export * from './lib/schema-of';
export * from './lib/shared-connection-driver';
