import { ConnectorModule } from '../../core/connector-module';
import { EventObjectFactory } from '../../events/event-object-factory';
import { SalesforceHosts } from './salesforce-hosts';
import { SalesforceOAuth } from './salesforce-oauth';
import { SalesforcePolling } from './salesforce-polling';
import { SalesforceRestApi } from './salesforce-rest-api';
import { SalesforceWebhook } from './salesforce-webhook';
import { SFDC_DESCRIPTOR } from './sfdc.descriptor';

export const SFDC_CONNECTOR: ConnectorModule = {
  descriptor: SFDC_DESCRIPTOR,
  create: ({ http, baseUrlOverride }) => {
    const hosts = new SalesforceHosts(baseUrlOverride);
    return {
      descriptor: SFDC_DESCRIPTOR,
      oauth: new SalesforceOAuth(http, hosts),
      webhook: new SalesforceWebhook(new EventObjectFactory(SFDC_DESCRIPTOR)),
      polling: new SalesforcePolling(new SalesforceRestApi(http, hosts), hosts),
    };
  },
};
