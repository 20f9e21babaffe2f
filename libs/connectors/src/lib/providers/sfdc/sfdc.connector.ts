import { ConnectorModule } from '../../core/connector-module';
import { SFDC_DESCRIPTOR } from './sfdc.descriptor';

// SKELETON: replaced by the real adapter in this same issue.
export const SFDC_CONNECTOR: ConnectorModule = {
  descriptor: SFDC_DESCRIPTOR,
  create: () => {
    throw new Error('not built yet');
  },
};
