import { ConnectorModule } from '../../core/connector-module';
import { MICROSOFTGRAPH_DESCRIPTOR } from './microsoftgraph.descriptor';

// SKELETON: replaced by the real adapter in this same issue.
export const MICROSOFTGRAPH_CONNECTOR: ConnectorModule = {
  descriptor: MICROSOFTGRAPH_DESCRIPTOR,
  create: () => {
    throw new Error('not built yet');
  },
};
