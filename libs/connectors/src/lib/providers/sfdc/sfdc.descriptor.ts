import { ConnectorDescriptor } from '../../core/connector-descriptor';

export const SFDC_DESCRIPTOR: ConnectorDescriptor = {
  elementKey: 'sfdc',
  aliases: [],
  displayName: 'Salesforce',
  hubKey: 'crm',
  eventsMethods: ['polling', 'webhook'],
  objects: ['Account', 'Contact', 'Lead', 'Opportunity', 'Case'],
};

/**
 * Salesforce's one fixed host: the login server, which holds the token endpoint. The REST API
 * lives on each org's own `instance_url`, learned from the token response.
 */
export const SFDC_HOSTS = { login: 'https://login.salesforce.com' } as const;

/** Every REST path this connector calls is under this version. */
export const SALESFORCE_API_VERSION = 'v62.0';
export const SALESFORCE_DATA_PATH = `/services/data/${SALESFORCE_API_VERSION}`;

/** Instance configuration: another login server (`https://test.salesforce.com` for sandboxes, a My Domain URL). */
export const SALESFORCE_LOGIN_URL_CONFIGURATION_KEY = 'sfdc.login.url';

/** Provider data learned from the token response. */
export const SALESFORCE_PROVIDER_DATA = {
  instanceUrl: 'instance_url',
  organizationId: 'organization_id',
  userId: 'user_id',
  /** Kept only when the login server is not the default one, so refreshes go to the same server. */
  loginUrl: 'login_url',
} as const;
