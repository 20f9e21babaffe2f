import { INestApplication } from '@nestjs/common';
import { loadConfig } from '@connector-events/config';
import { RawEvent } from '@connector-events/event-schema';
import { MESSAGE_BUS, MessageBus, Subscription, TOPICS, on } from '@connector-events/messaging';
import { EmbeddedPostgres, startEmbeddedPostgres } from '@connector-events/persistence';
import { PollingModule } from '@connector-events/polling';
import { createServiceApp } from '@connector-events/runtime';
import { FakeQuickBooks, testEnvironment, waitFor } from '@connector-events/testing';
import { TEST_MINUTE_MS, adapterFor, pollerSnapshot, reportedChanges, testInstanceId } from './support/poller-fixtures';

const APP = { clientId: 'poller-embedded-app', clientSecret: 'poller-embedded-secret', redirectUri: 'https://app.example.com/oauth' };

/** The embedded mode's footing: PGlite for the schedule and the leases, the in-process bus for the topics. */
describe('poller over PGlite and the in-process bus', () => {
  const quickbooks = new FakeQuickBooks();
  let database: EmbeddedPostgres;
  let app: INestApplication;
  let bus: MessageBus;
  let subscription: Subscription;
  const raws: RawEvent[] = [];

  beforeAll(async () => {
    await quickbooks.start();
    quickbooks.registerApp(APP);
    database = await startEmbeddedPostgres({});
    const config = loadConfig(
      'poller',
      testEnvironment({ PORT: '0', DATABASE_URL: database.url, POLLER_MINUTE_MS: String(TEST_MINUTE_MS), PROVIDER_BASE_URL_QUICKBOOKS: quickbooks.server.baseUrl }),
    );
    app = await createServiceApp(config, { service: 'poller', transport: 'in-process', pgDriver: database.pgDriver, features: [PollingModule] });
    await app.init();
    bus = app.get<MessageBus>(MESSAGE_BUS);
    subscription = await bus.subscribe({
      groupId: 'poller-embedded-test',
      fromBeginning: true,
      handlers: [on(TOPICS.rawEvents, async (message) => void (message.value && raws.push(message.value)))],
    });
  });
  afterAll(async () => {
    await subscription?.stop();
    await app?.close();
    await database?.stop();
    await quickbooks.close();
  });

  it('polls an instance and publishes its changes', async () => {
    const qb = adapterFor('quickbooks', quickbooks.server.baseUrl);
    const { realmId, code } = quickbooks.connectCompany(APP.clientId);
    const tokens = await qb.oauth.exchangeCode({ code, ...APP, providerData: { realmId } });
    const id = testInstanceId();
    await bus.publish(TOPICS.instances, [
      {
        value: pollerSnapshot({
          id,
          elementKey: 'quickbooks',
          tag: 'embedded',
          tokens: { accessToken: tokens.accessToken, ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}) },
          providerData: { ...tokens.providerData },
          secrets: { 'oauth.api.secret': APP.clientSecret },
          configuration: { 'oauth.api.key': APP.clientId, 'event.objects': 'customers' },
          updatedDate: new Date(Date.now() - 2_000),
        }),
      },
    ]);
    const customer = quickbooks.createEntity(realmId, 'Customer', { DisplayName: 'Embedded' });
    const changes = await waitFor(() => {
      const found = reportedChanges(qb, raws.filter((raw) => raw.instanceId === id));
      return found.length > 0 ? found : undefined;
    }, { what: 'the polled change' });
    expect(changes).toEqual([{ objectType: 'customers', id: String(customer['Id']), type: 'CREATED' }]);
  });
});
