export * from './fake-quickbooks';
