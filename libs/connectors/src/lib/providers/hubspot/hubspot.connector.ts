import { ConnectorModule } from '../../core/connector-module';
import { HUBSPOT_DESCRIPTOR } from './hubspot.descriptor';

// SKELETON: replaced by the real adapter in this same issue.
export const HUBSPOT_CONNECTOR: ConnectorModule = {
  descriptor: HUBSPOT_DESCRIPTOR,
  create: () => {
    throw new Error('not built yet');
  },
};
