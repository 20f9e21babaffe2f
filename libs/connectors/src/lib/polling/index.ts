export * from './poller-resource-configuration';
export * from './polling-definitions';
