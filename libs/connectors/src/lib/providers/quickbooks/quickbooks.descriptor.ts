import { ConnectorDescriptor } from '../../core/connector-descriptor';

export const QUICKBOOKS_DESCRIPTOR: ConnectorDescriptor = {
  elementKey: 'quickbooks',
  aliases: [],
  displayName: 'QuickBooks Online',
  hubKey: 'finance',
  eventsMethods: ['webhook', 'polling'],
  objects: [],
};
