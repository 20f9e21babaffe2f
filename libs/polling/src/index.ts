export * from './lib/polling.module';
export * from './lib/poller.database';
