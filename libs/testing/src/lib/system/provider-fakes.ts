import { FakeDropbox } from '../fakes/dropbox';
import { FakeOAuthApp } from '../fakes/fake-oauth-authority';
import { FakeProvider } from '../fakes/fake-provider';
import { FakeHubSpot } from '../fakes/hubspot';
import { FakeMicrosoftGraph } from '../fakes/microsoftgraph';
import { FakeQuickBooks } from '../fakes/quickbooks';
import { FakeSalesforce } from '../fakes/sfdc';

/** The five built-in connectors, by element key. */
export const SYSTEM_CONNECTORS = ['dropbox', 'hubspot', 'quickbooks', 'sfdc', 'microsoftgraph'] as const;
export type SystemConnector = (typeof SYSTEM_CONNECTORS)[number];

/** What each connector is called in output. */
export const CONNECTOR_NAMES: Record<SystemConnector, string> = {
  dropbox: 'Dropbox',
  hubspot: 'HubSpot',
  quickbooks: 'QuickBooks Online',
  sfdc: 'Salesforce',
  microsoftgraph: 'Microsoft Graph',
};

/**
 * The five provider fakes, each with one registered OAuth app (the app an Open Connectors user
 * would configure in `oauth.api.key` / `oauth.api.secret` / `oauth.callback.url`), started on
 * loopback. `baseUrlEnv()` points the services at them with `PROVIDER_BASE_URL_<KEY>`.
 */
export class ProviderFakes {
  readonly dropbox = new FakeDropbox();
  readonly hubspot = new FakeHubSpot();
  readonly quickbooks = new FakeQuickBooks();
  readonly salesforce = new FakeSalesforce();
  /** Graph refuses http notification URLs; the services here are on plain loopback http. */
  readonly graph = new FakeMicrosoftGraph({ allowHttp: true });
  readonly apps: Record<SystemConnector, FakeOAuthApp> = {
    dropbox: { clientId: 'e2e-dropbox-app-key', clientSecret: 'e2e-dropbox-app-secret', redirectUri: 'https://app.example.com/oauth/dropbox' },
    hubspot: { clientId: 'e2e-hubspot-client-id', clientSecret: 'e2e-hubspot-client-secret', redirectUri: 'https://app.example.com/oauth/hubspot' },
    quickbooks: { clientId: 'e2e-qbo-client-id', clientSecret: 'e2e-qbo-client-secret', redirectUri: 'https://app.example.com/oauth/qbo' },
    sfdc: { clientId: 'e2e-sfdc-consumer-key', clientSecret: 'e2e-sfdc-consumer-secret', redirectUri: 'https://app.example.com/oauth/sfdc' },
    microsoftgraph: { clientId: 'e2e-graph-client-id', clientSecret: 'e2e-graph-client-secret', redirectUri: 'https://app.example.com/oauth/graph' },
  };
  private started = false;

  of(connector: SystemConnector): FakeProvider {
    switch (connector) {
      case 'dropbox':
        return this.dropbox;
      case 'hubspot':
        return this.hubspot;
      case 'quickbooks':
        return this.quickbooks;
      case 'sfdc':
        return this.salesforce;
      case 'microsoftgraph':
        return this.graph;
    }
  }

  async start(): Promise<this> {
    if (this.started) return this;
    for (const connector of SYSTEM_CONNECTORS) {
      const fake = this.of(connector);
      await fake.start();
      fake.registerApp(this.apps[connector]);
    }
    this.started = true;
    return this;
  }

  /** `PROVIDER_BASE_URL_<KEY>` for every fake: OAuth and API calls go to them. */
  baseUrlEnv(): Record<string, string> {
    return Object.fromEntries(SYSTEM_CONNECTORS.map((connector) => [`PROVIDER_BASE_URL_${connector.toUpperCase()}`, this.of(connector).server.baseUrl]));
  }

  async close(): Promise<void> {
    if (!this.started) return;
    this.started = false;
    await Promise.all(SYSTEM_CONNECTORS.map((connector) => this.of(connector).close()));
  }
}
