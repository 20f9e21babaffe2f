import { ConnectorModule } from '../../core/connector-module';
import { EventObjectFactory } from '../../events/event-object-factory';
import { ProviderEndpoints } from '../../http/provider-endpoints';
import { MicrosoftGraphApi } from './microsoftgraph-api';
import { MicrosoftGraphOAuth } from './microsoftgraph-oauth';
import { MicrosoftGraphSubscriptions } from './microsoftgraph-subscriptions';
import { MicrosoftGraphWebhook } from './microsoftgraph-webhook';
import { MICROSOFTGRAPH_DESCRIPTOR, MICROSOFTGRAPH_HOSTS } from './microsoftgraph.descriptor';

export const MICROSOFTGRAPH_CONNECTOR: ConnectorModule = {
  descriptor: MICROSOFTGRAPH_DESCRIPTOR,
  create: ({ http, baseUrlOverride, clock }) => {
    const endpoints = new ProviderEndpoints(MICROSOFTGRAPH_HOSTS, baseUrlOverride);
    const api = new MicrosoftGraphApi(http, endpoints);
    return {
      descriptor: MICROSOFTGRAPH_DESCRIPTOR,
      oauth: new MicrosoftGraphOAuth(http, endpoints, api, clock),
      webhook: new MicrosoftGraphWebhook(new EventObjectFactory(MICROSOFTGRAPH_DESCRIPTOR)),
      subscriptions: new MicrosoftGraphSubscriptions(api),
    };
  },
};
