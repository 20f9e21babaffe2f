import { ConnectorDescriptor } from '../../core/connector-descriptor';

export const HUBSPOT_DESCRIPTOR: ConnectorDescriptor = {
  elementKey: 'hubspot',
  aliases: ['hubspotcrm'],
  displayName: 'HubSpot',
  hubKey: 'crm',
  eventsMethods: ['webhook', 'polling'],
  objects: [],
};
