export * from './fake-dropbox';
