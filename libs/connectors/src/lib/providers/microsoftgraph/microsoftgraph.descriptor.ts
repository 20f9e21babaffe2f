import { ConnectorDescriptor } from '../../core/connector-descriptor';

export const MICROSOFTGRAPH_DESCRIPTOR: ConnectorDescriptor = {
  elementKey: 'microsoftgraph',
  aliases: [],
  displayName: 'Microsoft Graph',
  hubKey: 'general',
  eventsMethods: ['webhook'],
  objects: [],
};
