import { connectorErrors } from '../../core/connector-errors';
import { ProviderEndpoints } from '../../http/provider-endpoints';
import { SALESFORCE_LOGIN_URL_CONFIGURATION_KEY, SFDC_HOSTS } from './sfdc.descriptor';

/**
 * Login servers a configuration may name: production and sandbox logins, My Domain and
 * Experience Cloud hosts, government cloud. Anything else would have the platform post client
 * secrets to, and trust identities from, a host that is not Salesforce.
 */
const SALESFORCE_DOMAINS = ['salesforce.com', 'force.com', 'cloudforce.com', 'salesforce.mil'];
const MAX_URL_LENGTH = 2048;

/**
 * Salesforce's hosts: the login server (default, or configured per instance) and each org's
 * `instance_url` for the REST API. `PROVIDER_BASE_URL_SFDC` replaces both.
 */
export class SalesforceHosts {
  constructor(private readonly override?: string) {}

  get overridden(): boolean {
    return this.override !== undefined;
  }

  /** The login server's origin: the configured one when given (checked), else the default. */
  loginServer(configured: string | undefined): string {
    if (configured === undefined || configured.trim() === '') return SFDC_HOSTS.login;
    const url = parseUrl(configured.trim());
    const host = url?.hostname.toLowerCase() ?? '';
    const onSalesforce = SALESFORCE_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`));
    if (!url || url.protocol !== 'https:' || url.username || url.password || !onSalesforce || url.pathname.length > 1) {
      throw connectorErrors.configurationInvalid(
        `${SALESFORCE_LOGIN_URL_CONFIGURATION_KEY} must be the https origin of a Salesforce login server ` +
          `(such as https://test.salesforce.com or https://MyDomainName.my.salesforce.com); got "${configured.slice(0, 100)}"`,
      );
    }
    return url.origin;
  }

  tokenUrl(loginServer: string): string {
    return new ProviderEndpoints({ login: loginServer }, this.override).url('login', '/services/oauth2/token');
  }

  /**
   * The org's API base, checked: an https origin (plain http only when a fake or proxy stands in,
   * as then the base URL override is used anyway).
   */
  instanceOrigin(instanceUrl: unknown): string | undefined {
    if (typeof instanceUrl !== 'string') return undefined;
    const url = parseUrl(instanceUrl);
    if (!url || url.username || url.password) return undefined;
    if (url.protocol === 'https:' || (url.protocol === 'http:' && this.overridden)) return url.origin;
    return undefined;
  }

  /** An absolute URL on the org's API host; `path` starts with `/`. */
  apiUrl(instanceUrl: string | undefined, path: string): string {
    if (this.override !== undefined) return new ProviderEndpoints({ api: this.override }).url('api', path);
    const origin = this.instanceOrigin(instanceUrl);
    if (!origin) {
      throw connectorErrors.configurationInvalid(
        'the Salesforce instance has no usable instance_url (an https origin from the token response); reconnect the instance',
      );
    }
    return `${origin}${path}`;
  }
}

function parseUrl(text: string): URL | undefined {
  if (text.length > MAX_URL_LENGTH) return undefined;
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}
