import { ConnectorDescriptor } from './connector-descriptor';

/** The connectors this build ships, as listed in the README's connector table. */
export const CONNECTOR_DESCRIPTORS: readonly ConnectorDescriptor[] = [
  { elementKey: 'dropbox', aliases: [], hubKey: 'documents', eventsMethods: ['webhook'] },
  { elementKey: 'hubspot', aliases: ['hubspotcrm'], hubKey: 'crm', eventsMethods: ['webhook', 'polling'] },
  { elementKey: 'quickbooks', aliases: [], hubKey: 'finance', eventsMethods: ['webhook', 'polling'] },
  { elementKey: 'sfdc', aliases: [], hubKey: 'crm', eventsMethods: ['webhook', 'polling'] },
  { elementKey: 'microsoftgraph', aliases: [], hubKey: 'general', eventsMethods: ['webhook'] },
];

/** Finds a connector by its key or one of its aliases, case-insensitively. */
export function findConnector(key: string): ConnectorDescriptor | undefined {
  const wanted = key.toLowerCase();
  return CONNECTOR_DESCRIPTORS.find((c) => c.elementKey === wanted || c.aliases.includes(wanted));
}
