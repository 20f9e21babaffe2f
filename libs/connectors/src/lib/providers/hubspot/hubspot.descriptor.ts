import { ConnectorDescriptor } from '../../core/connector-descriptor';

export const HUBSPOT_DESCRIPTOR: ConnectorDescriptor = {
  elementKey: 'hubspot',
  aliases: ['hubspotcrm'],
  displayName: 'HubSpot',
  hubKey: 'crm',
  eventsMethods: ['webhook', 'polling'],
  objects: ['contacts', 'companies', 'deals', 'tickets', 'products', 'line_items'],
};

/** HubSpot serves OAuth, token metadata and the CRM API from one host. */
export const HUBSPOT_HOSTS = { api: 'https://api.hubapi.com' } as const;
export type HubSpotHost = keyof typeof HUBSPOT_HOSTS;
