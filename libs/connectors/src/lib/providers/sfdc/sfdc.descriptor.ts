import { ConnectorDescriptor } from '../../core/connector-descriptor';

export const SFDC_DESCRIPTOR: ConnectorDescriptor = {
  elementKey: 'sfdc',
  aliases: [],
  displayName: 'Salesforce',
  hubKey: 'crm',
  eventsMethods: ['polling', 'webhook'],
  objects: [],
};
