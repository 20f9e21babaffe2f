export * from './lib/delivery.module';
export * from './lib/notifier.database';
