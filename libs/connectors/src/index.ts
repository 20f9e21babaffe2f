export * from './lib/connector-descriptor';
export * from './lib/connector-descriptors';
