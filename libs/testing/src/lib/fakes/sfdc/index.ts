export * from './fake-salesforce';
