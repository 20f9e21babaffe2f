export * from './fake-generic-provider';
