import { INestApplication } from '@nestjs/common';
import { encodeInstanceSegment } from '@connector-events/connectors';
import { IngestModule } from '@connector-events/ingest';
import { InstanceSnapshotMessage, MESSAGE_BUS, MessageBus, TOPICS } from '@connector-events/messaging';
import { FakeGraphSubscription, FakeMicrosoftGraph, freePort, present, waitFor } from '@connector-events/testing';
import { adapterFor, pollerDataSource, pollerSnapshot, startPoller, testInstanceId, testTag } from './support/poller-fixtures';

const APP = { clientId: 'poller-graph-app', clientSecret: 'poller-graph-secret', redirectUri: 'https://app.example.com/oauth' };
/** Asked for instead of Graph's days, so a renewal (at three quarters of it) comes within the test. */
const LIFETIME_MS = 8_000;

/**
 * Microsoft Graph subscriptions kept by the poller, with webhook-ingest in the same process at
 * PUBLIC_BASE_URL answering the fake's validation calls and forwarding its lifecycle calls.
 */
describe('provider webhook subscriptions (Microsoft Graph)', () => {
  const tag = testTag();
  const graph = new FakeMicrosoftGraph({ allowHttp: true });
  let app: INestApplication;
  let bus: MessageBus;
  let publicBaseUrl: string;

  beforeAll(async () => {
    await graph.start();
    graph.registerApp(APP);
    const port = await freePort();
    publicBaseUrl = `http://127.0.0.1:${port}`;
    app = await startPoller(
      tag,
      { PORT: String(port), PUBLIC_BASE_URL: publicBaseUrl, PROVIDER_BASE_URL_MICROSOFTGRAPH: graph.server.baseUrl },
      { subscriptionLifetimeMs: LIFETIME_MS },
      [IngestModule],
      port,
    );
    bus = app.get<MessageBus>(MESSAGE_BUS);
  });
  afterAll(async () => {
    await app?.close();
    await graph.close();
  });

  const publish = (snapshot: InstanceSnapshotMessage) => bus.publish(TOPICS.instances, [{ value: snapshot }]);

  it('takes over a subscription Graph already holds (a poller crashed before storing it) instead of failing on the duplicate', async () => {
    const mg = adapterFor('microsoftgraph', graph.server.baseUrl);
    const { user, code } = graph.linkUser(APP.clientId);
    const tokens = await mg.oauth.exchangeCode({ code, ...APP, providerData: {}, configuration: {} });
    const id = testInstanceId();
    const url = `${publicBaseUrl}/elements/api-v2/events/microsoftgraph/${encodeInstanceSegment(id)}`;
    const existing = await present(mg.subscriptions).create(
      { id, elementKey: 'microsoftgraph', configuration: {}, providerData: tokens.providerData },
      { accessToken: async () => tokens.accessToken, refreshedAccessToken: async () => tokens.accessToken },
      { resource: 'me/contacts', changeType: 'created,updated,deleted', notificationUrl: url, lifecycleNotificationUrl: url, clientState: `cs-${id}`, expiresAt: new Date(Date.now() + 60_000) },
    );
    await publish(
      pollerSnapshot({
        id,
        elementKey: 'microsoftgraph',
        tag,
        tokens: { accessToken: tokens.accessToken, ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}) },
        providerData: { ...tokens.providerData },
        secrets: { 'oauth.api.secret': APP.clientSecret, 'event.webhook.secret': `cs-${id}` },
        configuration: { 'oauth.api.key': APP.clientId, 'event.vendor.type': 'webhook', 'event.objects': 'contacts' },
      }),
    );
    await waitFor(async () => {
      const [row] = (await pollerDataSource(app).query(`SELECT subscription_id FROM poller.provider_subscriptions WHERE scope = $1 AND instance_id = $2`, [tag, id])) as { subscription_id: string | null }[];
      return row?.subscription_id === existing.id ? true : undefined;
    }, { what: 'the existing subscription taken over' });
    expect(graph.server.requestsTo('PATCH', `/v1.0/subscriptions/${existing.id}`).length).toBeGreaterThanOrEqual(1);
    expect(graph.subscriptions.filter((s) => s.creatorId === user.id).map((s) => s.id)).toEqual([existing.id]);
    await bus.publish(TOPICS.instances, [{ key: String(id), value: null }]);
  });

  it('creates the subscription (validated through webhook-ingest), renews it, creates it again after subscriptionRemoved, deletes it when events are disabled or the instance deleted', async () => {
    const mg = adapterFor('microsoftgraph', graph.server.baseUrl);
    const { user, code } = graph.linkUser(APP.clientId);
    const tokens = await mg.oauth.exchangeCode({ code, ...APP, providerData: {}, configuration: {} });
    const id = testInstanceId();
    const clientState = `client-state-${id}`;
    const snapshot = (version: number, eventsEnabled: boolean) =>
      pollerSnapshot({
        id,
        elementKey: 'microsoftgraph',
        tag,
        version,
        eventsEnabled,
        tokens: { accessToken: tokens.accessToken, ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}) },
        providerData: { ...tokens.providerData },
        secrets: { 'oauth.api.secret': APP.clientSecret, 'event.webhook.secret': clientState },
        configuration: { 'oauth.api.key': APP.clientId, 'event.vendor.type': 'webhook', 'event.objects': 'events' },
      });
    const mine = () => graph.subscriptions.filter((s) => s.creatorId === user.id);
    const one = (what: string, check: (s: FakeGraphSubscription) => boolean = () => true) =>
      waitFor(() => {
        const found = mine();
        return found.length === 1 && found[0] && check(found[0]) ? found[0] : undefined;
      }, { timeoutMs: 30_000, what });

    await publish(snapshot(1, true));
    const created = await one('the subscription');
    const url = `${publicBaseUrl}/elements/api-v2/events/microsoftgraph/${encodeInstanceSegment(id)}`;
    expect(created).toMatchObject({ resource: 'me/events', changeType: 'created,updated,deleted', notificationUrl: url, lifecycleNotificationUrl: url, clientState });
    // The fake created it only after webhook-ingest echoed its validation token exactly.
    expect(graph.validations.filter((v) => v.url.startsWith(url))).toEqual(expect.arrayContaining([expect.objectContaining({ status: 200 })]));
    for (const validation of graph.validations.filter((v) => v.url.startsWith(url))) expect(validation.body).toBe(validation.token);

    // Renewed before it expires: same subscription, later expiry.
    const firstExpiry = Date.parse(created.expirationDateTime);
    const renewed = await one('the renewal', (s) => s.id === created.id && Date.parse(s.expirationDateTime) > firstExpiry);
    expect(graph.server.requestsTo('PATCH', `/v1.0/subscriptions/${created.id}`).length).toBeGreaterThanOrEqual(1);

    // Graph removes it and says so on the lifecycle URL: the poller creates a new one at once,
    // without first finding out at the next renewal (no renewal of the removed one is tried).
    const renewals = graph.server.requestsTo('PATCH', `/v1.0/subscriptions/${renewed.id}`).length;
    expect(await graph.lifecycle(renewed.id, 'subscriptionRemoved')).toBe(202);
    const recreated = await one('the subscription created again', (s) => s.id !== renewed.id);
    expect(recreated).toMatchObject({ resource: 'me/events', notificationUrl: url, clientState });
    expect(graph.server.requestsTo('PATCH', `/v1.0/subscriptions/${renewed.id}`)).toHaveLength(renewals);

    // Events disabled: deleted at Graph.
    await publish(snapshot(2, false));
    await waitFor(() => (mine().length === 0 ? true : undefined), { timeoutMs: 30_000, what: 'the subscription deleted' });
    expect(graph.server.requestsTo('DELETE', `/v1.0/subscriptions/${recreated.id}`)).toHaveLength(1);

    // Enabled again, then the instance deleted: created, then deleted, and the poller forgets it.
    await publish(snapshot(3, true));
    const again = await one('a subscription after enabling again');
    await bus.publish(TOPICS.instances, [{ key: String(id), value: null }]);
    await waitFor(() => (mine().length === 0 ? true : undefined), { timeoutMs: 30_000, what: 'the subscription deleted with the instance' });
    expect(graph.server.requestsTo('DELETE', `/v1.0/subscriptions/${again.id}`)).toHaveLength(1);
    await waitFor(async () => {
      const [row] = (await pollerDataSource(app).query(`SELECT count(*) AS n FROM poller.provider_subscriptions WHERE scope = $1 AND instance_id = $2`, [tag, id])) as { n: string }[];
      return row?.n === '0' ? true : undefined;
    }, { what: 'the subscription rows gone' });
  });
});
