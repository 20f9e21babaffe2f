import { ConnectorModule } from '../../core/connector-module';
import { EventObjectFactory } from '../../events/event-object-factory';
import { ProviderEndpoints } from '../../http/provider-endpoints';
import { QuickBooksOAuth } from './quickbooks-oauth';
import { QUICKBOOKS_POLLING } from './quickbooks-polling';
import { QuickBooksWebhook } from './quickbooks-webhook';
import { QUICKBOOKS_DESCRIPTOR, QUICKBOOKS_HOSTS } from './quickbooks.descriptor';

export const QUICKBOOKS_CONNECTOR: ConnectorModule = {
  descriptor: QUICKBOOKS_DESCRIPTOR,
  create: ({ http, baseUrlOverride, clock }) => {
    const endpoints = new ProviderEndpoints(QUICKBOOKS_HOSTS, baseUrlOverride);
    return {
      descriptor: QUICKBOOKS_DESCRIPTOR,
      oauth: new QuickBooksOAuth(http, endpoints, clock),
      webhook: new QuickBooksWebhook(new EventObjectFactory(QUICKBOOKS_DESCRIPTOR)),
      polling: { ...QUICKBOOKS_POLLING, apiBaseUrl: () => endpoints.url('api', '') },
    };
  },
};
