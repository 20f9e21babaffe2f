export * from './lib/accounts/accounts-command';
export * from './lib/accounts/secret-hash';
export * from './lib/database/instance-service.database';
export * from './lib/instances.module';
export * from './lib/instances/application/instances.service';
export * from './lib/instances/store/instance-outbox-relay';
export * from './lib/http/api-docs';
