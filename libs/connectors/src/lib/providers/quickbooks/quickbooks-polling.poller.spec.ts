import { FakeQuickBooks, expectSchemaValid, present } from '@connector-events/testing';
import { ConnectorAdapter } from '../../core/connector-adapter';
import { withAccessToken } from '../../core/provider-session';
import { RefreshingSession } from '../../core/refreshing-session';
import { ProviderHttpClient } from '../../http/provider-http-client';
import { expandPollerUrl, normalizePolledRecords, parsePollerConfiguration } from '../../polling';
import { ConnectorRegistry } from '../../registry/connector-registry';
import { readPath } from '../../webhooks/webhook-json';
import { QUICKBOOKS_CONNECTOR } from './quickbooks.connector';

const APP = { clientId: 'ABqbo-poller-client', clientSecret: 'qbo-poller-secret', redirectUri: 'https://app.example.com/oauth/quickbooks' };

/**
 * The default configuration run through the platform's own polling pieces (configuration
 * parser, URL template, change detection) against the fake, as the poller service would.
 */
describe('QuickBooks polling through the poller pieces', () => {
  const fake = new FakeQuickBooks();
  const http = new ProviderHttpClient();
  let quickbooks: ConnectorAdapter;

  beforeAll(async () => {
    await fake.start();
    fake.registerApp(APP);
    quickbooks = new ConnectorRegistry({ modules: [QUICKBOOKS_CONNECTOR], providerBaseUrls: { quickbooks: fake.server.baseUrl } }).get('quickbooks');
  });
  afterAll(() => fake.close());

  it('is accepted as event.poller.configuration, as JSON text too', () => {
    const polling = present(quickbooks.polling);
    const configuration = polling.configuration(polling.objects);
    expect(parsePollerConfiguration(configuration)).toEqual({ ok: true, configuration: expect.any(Object) });
    expect(parsePollerConfiguration(JSON.stringify(configuration))).toMatchObject({ ok: true });
  });

  it('polls creations, updates and deletions since the last poll into the right event objects', async () => {
    const { realmId, code } = fake.connectCompany(APP.clientId);
    const tokens = await quickbooks.oauth.exchangeCode({ code, ...APP, providerData: { realmId } });
    const session = new RefreshingSession(quickbooks.oauth, { ...APP, providerData: tokens.providerData }, tokens);
    const old = fake.createEntity(realmId, 'Customer', { DisplayName: 'Old' });
    const since = new Date(Date.now() + 2000);
    // Intuit dates have whole seconds: move the fake's clock past the watermark.
    fake.clock = () => new Date(since.getTime() + 15_000);
    try {
      const added = fake.createEntity(realmId, 'Customer', { DisplayName: 'Added' });
      fake.clock = () => new Date(since.getTime() + 60_000);
      fake.updateEntity(realmId, 'Customer', String(old['Id']), { DisplayName: 'Old, renamed' });
      const gone = fake.createEntity(realmId, 'Customer');
      fake.deleteEntity(realmId, 'Customer', String(gone['Id']));
      fake.takeChanges();

      const parsed = parsePollerConfiguration(present(quickbooks.polling).configuration(['customers']));
      if (!parsed.ok) throw new Error(parsed.problems.join('; '));
      const resource = present(parsed.configuration['customers']);
      const url = expandPollerUrl(resource.url, { since, now: fake.clock(), providerData: tokens.providerData });
      const body = await withAccessToken(session, (token) =>
        http.json('QuickBooks', { method: 'GET', url: `${fake.server.baseUrl}${url}`, headers: { authorization: `Bearer ${token}` } }),
      );
      const pollDate = fake.clock();
      const result = normalizePolledRecords({
        descriptor: quickbooks.descriptor,
        objectType: 'customers',
        records: readPath(body, present(resource.recordsPath)) as unknown[],
        configuration: resource,
        since,
        pollDate,
      });

      expect(result.events.map(({ objectId, eventType }) => ({ objectId, eventType }))).toEqual([
        { objectId: added['Id'], eventType: 'CREATED' },
        { objectId: old['Id'], eventType: 'UPDATED' },
        { objectId: gone['Id'], eventType: 'DELETED' },
      ]);
      expect(result.events[1]).toMatchObject({ date: new Date(Math.floor((since.getTime() + 60_000) / 1000) * 1000).toISOString() });
      expectSchemaValid(result.events);
    } finally {
      fake.clock = () => new Date();
    }
  });
});
