import { createGenericConnector } from '../providers/generic/generic.connector';
import { loadGenericConnectorDefinitions } from '../providers/generic/generic-connector-definitions';
import { BUILT_IN_CONNECTORS } from './built-in-connectors';
import { ConnectorRegistry } from './connector-registry';

export interface ConnectorSettings {
  /** Lower-case element key → base URL (`PROVIDER_BASE_URL_<KEY>`). */
  readonly providerBaseUrls: Readonly<Record<string, string>>;
  /** `CONNECTOR_DEFINITIONS_FILE`: generic connectors defined in JSON. */
  readonly connectorDefinitionsFile?: string;
}

/** The registry every service uses: the built-in connectors plus the configured generic ones. */
export function createConnectorRegistry(settings: ConnectorSettings): ConnectorRegistry {
  const generic = settings.connectorDefinitionsFile
    ? loadGenericConnectorDefinitions(settings.connectorDefinitionsFile).map(createGenericConnector)
    : [];
  return new ConnectorRegistry({ modules: [...BUILT_IN_CONNECTORS, ...generic], providerBaseUrls: settings.providerBaseUrls });
}
