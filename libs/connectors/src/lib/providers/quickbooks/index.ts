export * from './quickbooks.connector';
export * from './quickbooks.descriptor';
