export * from './dropbox.connector';
export * from './dropbox.descriptor';
