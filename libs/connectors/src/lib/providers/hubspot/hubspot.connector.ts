import { ConnectorModule } from '../../core/connector-module';
import { EventObjectFactory } from '../../events/event-object-factory';
import { ProviderEndpoints } from '../../http/provider-endpoints';
import { HubSpotOAuth } from './hubspot-oauth';
import { HubSpotPolling } from './hubspot-polling';
import { HubSpotWebhook } from './hubspot-webhook';
import { HUBSPOT_DESCRIPTOR, HUBSPOT_HOSTS } from './hubspot.descriptor';

export const HUBSPOT_CONNECTOR: ConnectorModule = {
  descriptor: HUBSPOT_DESCRIPTOR,
  create: ({ http, baseUrlOverride, clock }) => {
    const endpoints = new ProviderEndpoints(HUBSPOT_HOSTS, baseUrlOverride);
    return {
      descriptor: HUBSPOT_DESCRIPTOR,
      oauth: new HubSpotOAuth(http, endpoints, clock),
      webhook: new HubSpotWebhook(new EventObjectFactory(HUBSPOT_DESCRIPTOR)),
      polling: new HubSpotPolling(endpoints),
    };
  },
};
