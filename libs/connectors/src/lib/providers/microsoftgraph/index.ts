export * from './microsoftgraph.connector';
export * from './microsoftgraph.descriptor';
