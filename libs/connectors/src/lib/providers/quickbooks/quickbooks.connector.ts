import { ConnectorModule } from '../../core/connector-module';
import { QUICKBOOKS_DESCRIPTOR } from './quickbooks.descriptor';

// SKELETON: replaced by the real adapter in this same issue.
export const QUICKBOOKS_CONNECTOR: ConnectorModule = {
  descriptor: QUICKBOOKS_DESCRIPTOR,
  create: () => {
    throw new Error('not built yet');
  },
};
