import { ConnectorModule } from '../core/connector-module';
import { DROPBOX_CONNECTOR } from '../providers/dropbox';
import { HUBSPOT_CONNECTOR } from '../providers/hubspot';
import { MICROSOFTGRAPH_CONNECTOR } from '../providers/microsoftgraph';
import { QUICKBOOKS_CONNECTOR } from '../providers/quickbooks';
import { SFDC_CONNECTOR } from '../providers/sfdc';

/** The connectors this build ships. Adding one: its folder under `providers/`, and one line here. */
export const BUILT_IN_CONNECTORS: readonly ConnectorModule[] = [
  DROPBOX_CONNECTOR,
  HUBSPOT_CONNECTOR,
  QUICKBOOKS_CONNECTOR,
  SFDC_CONNECTOR,
  MICROSOFTGRAPH_CONNECTOR,
];
