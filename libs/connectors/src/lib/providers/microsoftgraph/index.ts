export * from './microsoftgraph.connector';
export * from './microsoftgraph.descriptor';
export {
  MICROSOFTGRAPH_DEFAULT_SCOPE,
  MICROSOFTGRAPH_DEFAULT_TENANT,
  MICROSOFTGRAPH_PROVIDER_DATA,
  MICROSOFTGRAPH_SCOPE_KEY,
  MICROSOFTGRAPH_TENANT_KEY,
  MICROSOFTGRAPH_WEBHOOK_SECRET_KEY,
} from './microsoftgraph-configuration';
