import {
  ConnectorAdapter,
  ConnectorRegistry,
  HUBSPOT_CONNECTOR,
  ProviderHttpClient,
  QUICKBOOKS_CONNECTOR,
  RefreshingSession,
  SFDC_CONNECTOR,
  normalizePolledRecords,
} from '@connector-events/connectors';
import { FakeHubSpot, FakeQuickBooks, FakeSalesforce, present } from '@connector-events/testing';
import { ResourceWatermark } from '../store/poller-store';
import { ProviderThrottledError } from './provider-throttled.error';
import { ResourcePollInput, pollResource, pollSince } from './resource-poll';

const APP = { clientId: 'poller-unit-app', clientSecret: 'poller-unit-secret', redirectUri: 'https://app.example.com/cb' };
const http = new ProviderHttpClient();

/** The event types the normalizer will give these records (it runs the same change detection from the epoch). */
function eventTypes(adapter: ConnectorAdapter, objectType: string, records: unknown[]): { id: string; type: string }[] {
  const configuration = present(present(adapter.polling).configuration([objectType])[objectType]);
  const normalized = normalizePolledRecords({ descriptor: adapter.descriptor, objectType, records, configuration, since: new Date(0), pollDate: new Date() });
  return normalized.events.map((event) => ({ id: event.objectId, type: event.eventType }));
}

describe('pollResource against the HubSpot fake (CRM search, pollDelay 60 s, paged by 100)', () => {
  const fake = new FakeHubSpot();
  let hubspot: ConnectorAdapter;
  let base: Omit<ResourcePollInput, 'state' | 'pollDate'>;
  let portalId: number;
  const enabledAt = new Date(Date.now() - 30_000);

  beforeAll(async () => {
    await fake.start();
    fake.registerApp(APP);
    hubspot = new ConnectorRegistry({ modules: [HUBSPOT_CONNECTOR], providerBaseUrls: { hubspot: fake.server.baseUrl } }).get('hubspot');
    const { portal, code } = fake.installApp(APP.clientId);
    portalId = portal.portalId;
    const tokens = await hubspot.oauth.exchangeCode({ code, ...APP, providerData: {} });
    const polling = present(hubspot.polling);
    base = {
      http,
      session: new RefreshingSession(hubspot.oauth, { ...APP, providerData: tokens.providerData }, tokens),
      descriptor: hubspot.descriptor,
      baseUrl: polling.apiBaseUrl(tokens.providerData),
      objectType: 'contacts',
      configuration: present(polling.configuration(['contacts'])['contacts']),
      providerData: tokens.providerData,
      enabledAt,
    };
  });
  afterAll(() => fake.close());

  it('reports what changed since events were enabled, once, through the pollDelay overlap', async () => {
    fake.createRecord(portalId, 'contacts', { email: 'before@example.com' }, new Date(enabledAt.getTime() - 10_000));
    const old = fake.createRecord(portalId, 'contacts', { email: 'old@example.com' }, new Date(enabledAt.getTime() - 300_000));
    const added = fake.createRecord(portalId, 'contacts', { email: 'added@example.com' }, new Date(enabledAt.getTime() + 5_000));
    fake.updateRecord(portalId, 'contacts', old.id, { firstname: 'Renamed' }, new Date(enabledAt.getTime() + 10_000));

    const first = await pollResource({ ...base, state: { watermark: enabledAt, recent: {} }, pollDate: new Date() });
    expect(eventTypes(hubspot, 'contacts', first.records)).toEqual([
      { id: added.id, type: 'CREATED' },
      { id: old.id, type: 'UPDATED' },
    ]);

    // The next poll reads the last 60 s again (the search index lags) but reports nothing twice.
    const second = await pollResource({ ...base, state: first.next, pollDate: new Date() });
    expect(second.records).toEqual([]);

    fake.updateRecord(portalId, 'contacts', added.id, { firstname: 'Changed' }, new Date());
    const third = await pollResource({ ...base, state: second.next, pollDate: new Date(Date.now() + 1) });
    expect(eventTypes(hubspot, 'contacts', third.records)).toEqual([{ id: added.id, type: 'UPDATED' }]);
  });

  it('follows the paging to the end', async () => {
    const state: ResourceWatermark = { watermark: new Date(Date.now() - 1_000), recent: {} };
    const at = new Date();
    for (let i = 0; i < 250; i++) fake.createRecord(portalId, 'companies', { name: `c${i}` }, at);
    const polled = await pollResource({
      ...base,
      objectType: 'companies',
      configuration: present(present(hubspot.polling).configuration(['companies'])['companies']),
      state,
      pollDate: new Date(at.getTime() + 1),
    });
    expect(polled.records).toHaveLength(250);
    expect(fake.server.requestsTo('POST', '/crm/v3/objects/companies/search').length).toBeGreaterThanOrEqual(3);
  });

  it('stops on a 429 with the wait HubSpot asked for', async () => {
    fake.server.intercept = () => ({ status: 429, headers: { 'retry-after': '7' }, json: { status: 'error', message: 'You have reached your ten_secondly_rolling limit.' } });
    try {
      await expect(pollResource({ ...base, state: { watermark: enabledAt, recent: {} }, pollDate: new Date() })).rejects.toEqual(expect.any(ProviderThrottledError));
      await expect(pollResource({ ...base, state: { watermark: enabledAt, recent: {} }, pollDate: new Date() })).rejects.toMatchObject({ retryAfterMs: 7000 });
    } finally {
      fake.server.intercept = undefined;
    }
  });
});

describe('pollResource against the QuickBooks fake (CDC, dates in whole seconds)', () => {
  const fake = new FakeQuickBooks();
  afterAll(() => fake.close());

  it('reads a change made in the watermark’s own second, and only once', async () => {
    await fake.start();
    fake.registerApp(APP);
    const quickbooks = new ConnectorRegistry({ modules: [QUICKBOOKS_CONNECTOR], providerBaseUrls: { quickbooks: fake.server.baseUrl } }).get('quickbooks');
    const { realmId, code } = fake.connectCompany(APP.clientId);
    const tokens = await quickbooks.oauth.exchangeCode({ code, ...APP, providerData: { realmId } });
    const second = Math.floor(Date.now() / 1000) * 1000 - 60_000;
    const enabledAt = new Date(second + 500);
    fake.clock = () => new Date(second + 700);
    try {
      const customer = fake.createEntity(realmId, 'Customer', { DisplayName: 'Same second' });
      const input = {
        http,
        session: new RefreshingSession(quickbooks.oauth, { ...APP, providerData: tokens.providerData }, tokens),
        descriptor: quickbooks.descriptor,
        baseUrl: present(quickbooks.polling).apiBaseUrl(tokens.providerData),
        objectType: 'customers',
        configuration: present(present(quickbooks.polling).configuration(['customers'])['customers']),
        providerData: tokens.providerData,
        enabledAt,
      };
      expect(pollSince(enabledAt, enabledAt, input.configuration)).toEqual(new Date(second - 1));
      const first = await pollResource({ ...input, state: { watermark: enabledAt, recent: {} }, pollDate: new Date(second + 900) });
      expect(eventTypes(quickbooks, 'customers', first.records)).toEqual([{ id: customer['Id'], type: 'CREATED' }]);
      const again = await pollResource({ ...input, state: first.next, pollDate: new Date(second + 1_900) });
      expect(again.records).toEqual([]);
    } finally {
      fake.clock = () => new Date();
    }
  });
});

describe('pollResource against the Salesforce fake (queryAll, nextRecordsUrl)', () => {
  const fake = new FakeSalesforce();
  afterAll(() => fake.close());

  it('follows nextRecordsUrl on the org host to the last batch', async () => {
    await fake.start();
    fake.registerApp(APP);
    fake.batchSize = 3;
    const salesforce = new ConnectorRegistry({ modules: [SFDC_CONNECTOR], providerBaseUrls: { sfdc: fake.server.baseUrl } }).get('sfdc');
    const { organizationId, code } = fake.linkOrg(APP.clientId);
    const tokens = await salesforce.oauth.exchangeCode({ code, ...APP, providerData: {} });
    const enabledAt = new Date(Date.now() - 1_000);
    const ids = Array.from({ length: 8 }, (_, i) => String(fake.createRecord(organizationId, 'Account', { Name: `A${i}` })['Id']));
    const polled = await pollResource({
      http,
      session: new RefreshingSession(salesforce.oauth, { ...APP, providerData: tokens.providerData }, tokens),
      descriptor: salesforce.descriptor,
      baseUrl: present(salesforce.polling).apiBaseUrl(tokens.providerData),
      objectType: 'Account',
      configuration: present(present(salesforce.polling).configuration(['Account'])['Account']),
      providerData: tokens.providerData,
      enabledAt,
      state: { watermark: enabledAt, recent: {} },
      pollDate: new Date(Date.now() + 1),
    });
    expect(eventTypes(salesforce, 'Account', polled.records).map((change) => change.id)).toEqual(ids);
    expect(fake.server.requests.filter((request) => /\/query(All)?\/[^/]+$/.test(request.path)).length).toBe(2);
  });
});
