import { ConnectorDescriptor } from '../../core/connector-descriptor';

export const MICROSOFTGRAPH_DESCRIPTOR: ConnectorDescriptor = {
  elementKey: 'microsoftgraph',
  aliases: [],
  displayName: 'Microsoft Graph',
  hubKey: 'general',
  eventsMethods: ['webhook'],
  objects: ['events', 'messages', 'contacts', 'users', 'groups', 'driveItems', 'listItems', 'chatMessages', 'todoTasks'],
};

/** Microsoft identity platform (tokens) and the Graph API live on different hosts. */
export const MICROSOFTGRAPH_HOSTS = {
  login: 'https://login.microsoftonline.com',
  graph: 'https://graph.microsoft.com',
} as const;
export type MicrosoftGraphHost = keyof typeof MICROSOFTGRAPH_HOSTS;

/** How the adapter names the provider in errors. */
export const MICROSOFTGRAPH_PROVIDER = 'Microsoft Graph';
