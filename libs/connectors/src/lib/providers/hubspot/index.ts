export * from './hubspot.connector';
export * from './hubspot.descriptor';
