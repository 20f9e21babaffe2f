import { ConnectorDescriptor } from '../../core/connector-descriptor';
import { QUICKBOOKS_WEBHOOK_ENTITIES, pluralize } from './quickbooks-entities';

export const QUICKBOOKS_DESCRIPTOR: ConnectorDescriptor = {
  elementKey: 'quickbooks',
  aliases: [],
  displayName: 'QuickBooks Online',
  hubKey: 'finance',
  eventsMethods: ['webhook', 'polling'],
  objects: QUICKBOOKS_WEBHOOK_ENTITIES.map((entity) => pluralize(entity.toLowerCase())),
};

/** Intuit serves OAuth and the accounting API from different hosts. */
export const QUICKBOOKS_HOSTS = {
  oauth: 'https://oauth.platform.intuit.com',
  api: 'https://quickbooks.api.intuit.com',
} as const;
export type QuickBooksHost = keyof typeof QUICKBOOKS_HOSTS;
