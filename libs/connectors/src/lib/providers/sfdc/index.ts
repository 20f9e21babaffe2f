export * from './sfdc.connector';
export * from './sfdc.descriptor';
