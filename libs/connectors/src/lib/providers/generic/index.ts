export * from './generic-connector-definition';
export * from './generic-connector-definitions';
export * from './generic.connector';
