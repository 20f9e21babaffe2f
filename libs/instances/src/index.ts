export * from './lib/accounts/secret-hash';
export * from './lib/database/instance-service.database';
export * from './lib/instances.module';
