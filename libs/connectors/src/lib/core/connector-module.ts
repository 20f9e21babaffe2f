import { ConnectorAdapter } from './connector-adapter';
import { ConnectorDescriptor } from './connector-descriptor';
import { ProviderHttpClient } from '../http/provider-http-client';

/** What the registry hands an adapter when it builds it. */
export interface ConnectorDependencies {
  readonly http: ProviderHttpClient;
  /** `PROVIDER_BASE_URL_<KEY>`: replaces every provider host (fakes, proxies). */
  readonly baseUrlOverride?: string;
  readonly clock: () => Date;
}

/** One connector folder exports one of these; registering it is one line in `built-in-connectors.ts`. */
export interface ConnectorModule {
  readonly descriptor: ConnectorDescriptor;
  create(dependencies: ConnectorDependencies): ConnectorAdapter;
}
