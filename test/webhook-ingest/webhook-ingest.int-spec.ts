import { createHmac, randomInt, randomUUID } from 'node:crypto';
import { BUILT_IN_CONNECTORS, ConnectorRegistry, createGenericConnector } from '@connector-events/connectors';
import { TOPICS } from '@connector-events/messaging';
import {
  FAKE_HUBSPOT_WEBHOOK_URL,
  FakeDropbox,
  FakeHubSpot,
  FakeMicrosoftGraph,
  FakeQuickBooks,
  FakeSalesforce,
  RecordedMessage,
  SentWebhook,
  TopicRecorder,
  sendWebhook,
  waitFor,
} from '@connector-events/testing';
import { CHAIN_CONNECTOR_DEFINITION, CHAIN_KEY, CHAIN_SECRET_KEY } from './support/chain-connector';
import { FORM_HOOK_CONNECTOR, FORM_HOOK_KEY, FORM_HOOK_SECRET_KEY, formHookSignature } from './support/form-hook-connector';
import { RunningIngest, startIngest } from './support/ingest-app';
import { InstanceSpec, forgetInstances, instanceSegment, provideInstances } from './support/instance-snapshots';

/** What providers are told to call; the signed URL (HubSpot v3) is this one, not the local one. */
const PUBLIC_BASE_URL = 'https://events.example.com';
const PUBLIC_EVENTS_URL = `${PUBLIC_BASE_URL}/elements/api-v2/events`;
const BODY_LIMIT_BYTES = 64 * 1024;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const RAW_EVENT_ID = /^[A-Za-z0-9_-]{43}$/;

const HUBSPOT_APP = { clientId: 'hubspot-client-id', clientSecret: 'hubspot-client-secret-value', redirectUri: 'https://app.example.com/hubspot' };
const DROPBOX_APP = { clientId: 'dropbox-app-key', clientSecret: 'dropbox-app-secret-value', redirectUri: 'https://app.example.com/dropbox' };
const QUICKBOOKS_APP = { clientId: 'qbo-client-id', clientSecret: 'qbo-client-secret-value', redirectUri: 'https://app.example.com/qbo' };
const SALESFORCE_APP = { clientId: 'sfdc-consumer-key', clientSecret: 'sfdc-consumer-secret', redirectUri: 'https://app.example.com/sfdc' };
const GRAPH_APP = { clientId: 'graph-client-id', clientSecret: 'graph-client-secret-value', redirectUri: 'https://app.example.com/graph' };
const QUICKBOOKS_VERIFIER_TOKEN = 'qbo-webhook-verifier-token';

/** webhook-ingest in this process over the real Kafka broker, fed by the providers' fakes. */
describe('webhook-ingest', () => {
  const hubspot = new FakeHubSpot();
  const dropbox = new FakeDropbox();
  const quickbooks = new FakeQuickBooks();
  const salesforce = new FakeSalesforce();
  const graph = new FakeMicrosoftGraph({ allowHttp: true });
  let ingest: RunningIngest;
  let raw: TopicRecorder;
  let barrierPortal: number;
  const created: number[] = [];

  beforeAll(async () => {
    dropbox.registerApp(DROPBOX_APP);
    quickbooks.registerApp(QUICKBOOKS_APP);
    salesforce.registerApp(SALESFORCE_APP);
    graph.registerApp(GRAPH_APP);
    await graph.start();
    const connectors = new ConnectorRegistry({
      modules: [...BUILT_IN_CONNECTORS, FORM_HOOK_CONNECTOR, createGenericConnector(CHAIN_CONNECTOR_DEFINITION)],
    });
    ingest = await startIngest({
      transport: 'kafka',
      env: { PUBLIC_BASE_URL, WEBHOOK_MAX_BODY_BYTES: String(BODY_LIMIT_BYTES) },
      ingest: { connectors },
    });
    raw = await new TopicRecorder(TOPICS.rawEvents.name).start();
    barrierPortal = (await hubSpotInstances(1))[0]?.portalId ?? 0;
  });
  afterAll(async () => {
    if (ingest) await forgetInstances(ingest.app, created);
    await ingest?.app.close();
    await raw?.stop();
    await graph.close();
  });

  /** Instances on `oc.instances.v1`, in the view; removed again (tombstones) after the tests. */
  async function provide(...specs: InstanceSpec[]): Promise<number[]> {
    const ids = await provideInstances(ingest.app, ...specs);
    created.push(...ids);
    return ids;
  }

  /** Sends a call to the local server at the path a provider would call on the public URL. */
  function send(publicUrl: string, call: { method?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<SentWebhook> {
    return sendWebhook(publicUrl.replace(PUBLIC_BASE_URL, ingest.localUrl), call);
  }

  async function rawEventsOf(instanceId: number, count = 1): Promise<Record<string, unknown>[]> {
    const found = await waitFor(
      () => {
        const messages = raw.withKey(String(instanceId));
        return messages.length >= count ? messages : undefined;
      },
      { timeoutMs: 20_000, what: `${count} raw event(s) of instance ${instanceId}` },
    );
    return found.map((message: RecordedMessage) => message.value as Record<string, unknown>);
  }

  /**
   * HubSpot instances of one app, each in its own portal; events enabled unless told. Portal
   * ids are random: `oc.instances.v1` is compacted, so instances of earlier runs are still
   * there, and a portal id reused across runs would fan out to them as well.
   */
  async function hubSpotInstances(count: number, eventsEnabled = true): Promise<Array<{ id: number; portalId: number }>> {
    const portals = Array.from({ length: count }, () => randomInt(100_000_000, 999_999_999));
    const ids = await provide(
      ...portals.map((portalId) => ({
        elementKey: 'hubspot',
        eventsEnabled,
        providerData: { hub_id: String(portalId) },
        secrets: { 'oauth.api.secret': HUBSPOT_APP.clientSecret },
      })),
    );
    return ids.map((id, i) => ({ id, portalId: portals[i] ?? 0 }));
  }

  /**
   * Proves a refused call published nothing: a later good call is on the topic, and no
   * recorded raw event carries the refused call's marker.
   */
  async function expectNothingPublishedWith(marker: string): Promise<void> {
    const barrier = `barrier-${randomUUID()}`;
    const call = hubspot.webhookV3(HUBSPOT_APP.clientSecret, { events: [hubSpotEvent(barrierPortal, 'contact.creation', { barrier })] });
    expect((await send(FAKE_HUBSPOT_WEBHOOK_URL, call)).status).toBe(200);
    await waitFor(() => (raw.messages.some((m) => m.raw?.includes(barrier)) ? true : undefined), { what: 'the barrier call' });
    expect(raw.messages.filter((m) => m.raw?.includes(marker))).toEqual([]);
  }

  function expectErrorBody(answer: SentWebhook, status: number, message: string): void {
    expect({ status: answer.status, body: JSON.parse(answer.text) as unknown }).toEqual({
      status,
      body: { requestId: answer.headers['x-request-id'], message },
    });
    expect(answer.headers['x-request-id']).toEqual(expect.any(String));
  }

  describe('HubSpot', () => {
    it('turns a v3-signed call into a raw event for the portal’s instance, signed over the public URL', async () => {
      const [instance] = await hubSpotInstances(1);
      if (!instance) throw new Error('no instance');
      const call = hubspot.webhookV3(HUBSPOT_APP.clientSecret, { events: [hubSpotEvent(instance.portalId, 'contact.creation')] });
      const answer = await send(FAKE_HUBSPOT_WEBHOOK_URL, call);
      expect(answer).toMatchObject({ status: 200, text: '' });

      const [event] = await rawEventsOf(instance.id);
      expect(event).toEqual({
        rawEventId: expect.stringMatching(RAW_EVENT_ID),
        instanceId: instance.id,
        elementKey: 'hubspot',
        source: 'webhook',
        receivedAt: expect.stringMatching(ISO_DATE),
        headers: { 'content-type': 'application/json' },
        contentType: 'application/json',
        body: { payload: JSON.parse(call.body) as unknown },
      });
      expect(raw.withKey(String(instance.id))[0]?.raw).not.toMatch(/signature|x-hubspot/i);
    });

    it('fans one call naming two portals out to both instances, in one go', async () => {
      const [first, second] = await hubSpotInstances(2);
      if (!first || !second) throw new Error('no instances');
      const call = hubspot.webhookV3(HUBSPOT_APP.clientSecret, {
        events: [hubSpotEvent(first.portalId, 'contact.creation'), hubSpotEvent(second.portalId, 'company.propertyChange')],
      });
      expect((await send(FAKE_HUBSPOT_WEBHOOK_URL, call)).status).toBe(200);

      const [a] = await rawEventsOf(first.id);
      const [b] = await rawEventsOf(second.id);
      expect(a?.['body']).toEqual({ payload: JSON.parse(call.body) as unknown });
      expect(b?.['body']).toEqual(a?.['body']);
      expect(a?.['rawEventId']).not.toEqual(b?.['rawEventId']);
    });

    it('gives the same call the same raw event id every time it comes', async () => {
      const [instance] = await hubSpotInstances(1);
      if (!instance) throw new Error('no instance');
      const call = hubspot.webhookV3(HUBSPOT_APP.clientSecret, { events: [hubSpotEvent(instance.portalId, 'deal.deletion')] });
      expect((await send(FAKE_HUBSPOT_WEBHOOK_URL, call)).status).toBe(200);
      expect((await send(FAKE_HUBSPOT_WEBHOOK_URL, call)).status).toBe(200);
      const [first, again] = await rawEventsOf(instance.id, 2);
      expect(again?.['rawEventId']).toEqual(first?.['rawEventId']);
      expect(again?.['receivedAt']).not.toBeUndefined();
    });

    it('finds the connector by its alias and names it by its own key', async () => {
      const [instance] = await hubSpotInstances(1);
      if (!instance) throw new Error('no instance');
      const url = `${PUBLIC_EVENTS_URL}/hubspotcrm`;
      const call = hubspot.webhookV3(HUBSPOT_APP.clientSecret, { url, events: [hubSpotEvent(instance.portalId, 'ticket.creation')] });
      expect((await send(url, call)).status).toBe(200);
      expect((await rawEventsOf(instance.id))[0]?.['elementKey']).toBe('hubspot');
    });
  });

  describe('Dropbox', () => {
    it('answers the GET challenge exactly, as text/plain that is not sniffed, and publishes nothing', async () => {
      const challenge = `chall enge+/=${randomUUID()}`;
      const answer = await send(`${PUBLIC_EVENTS_URL}/dropbox?challenge=${encodeURIComponent(challenge).replace(/%20/g, '+')}`, { method: 'GET' });
      expect(answer.status).toBe(200);
      expect(answer.text).toBe(challenge);
      expect(answer.headers).toMatchObject({ 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
      await expectNothingPublishedWith(challenge);
    });

    it('turns a signed notification into a raw event for the linked account’s instance', async () => {
      const { accountId } = dropbox.linkAccount(DROPBOX_APP.clientId);
      const [id] = await provide({
        elementKey: 'dropbox',
        providerData: { account_id: accountId },
        secrets: { 'oauth.api.secret': DROPBOX_APP.clientSecret },
      });
      const call = dropbox.webhook([accountId], DROPBOX_APP.clientSecret);
      expect(await send(`${PUBLIC_EVENTS_URL}/dropbox`, call)).toMatchObject({ status: 200, text: '' });
      const [event] = await rawEventsOf(id ?? 0);
      expect(event).toMatchObject({
        elementKey: 'dropbox',
        headers: { 'content-type': 'application/json', 'user-agent': 'DropboxWebhooks/1.0' },
        body: JSON.parse(call.body) as unknown,
      });
      expect(Object.keys(event?.['headers'] as object)).not.toContain('x-dropbox-signature');
    });
  });

  describe('QuickBooks Online', () => {
    it('publishes legacy and CloudEvents deliveries with Intuit’s delivery id, an array body under payload', async () => {
      const { realmId } = quickbooks.connectCompany(QUICKBOOKS_APP.clientId);
      const [id] = await provide({
        elementKey: 'quickbooks',
        providerData: { realmId },
        secrets: { 'webhook.verifier.token': QUICKBOOKS_VERIFIER_TOKEN },
      });
      quickbooks.createEntity(realmId, 'Customer', { DisplayName: 'Legacy' });
      const legacy = quickbooks.legacyWebhook(QUICKBOOKS_VERIFIER_TOKEN);
      expect((await send(`${PUBLIC_EVENTS_URL}/quickbooks`, legacy)).status).toBe(200);
      quickbooks.createEntity(realmId, 'Invoice', { TotalAmt: 10 });
      const cloudEvents = quickbooks.cloudEventsWebhook(QUICKBOOKS_VERIFIER_TOKEN);
      expect((await send(`${PUBLIC_EVENTS_URL}/quickbooks`, cloudEvents)).status).toBe(200);

      const [first, second] = await rawEventsOf(id ?? 0, 2);
      expect(first).toMatchObject({ providerEventId: expect.stringMatching(/^legacy:[0-9a-f]{64}$/), body: JSON.parse(legacy.body) as unknown });
      expect(second).toMatchObject({
        providerEventId: expect.stringMatching(/^cloudevents:[0-9a-f]{64}$/),
        body: { payload: JSON.parse(cloudEvents.body) as unknown },
      });
    });
  });

  describe('Salesforce', () => {
    it('fans out by Element-Instances to every instance the shared secret authenticates, and drops the others', async () => {
      const { organizationId } = salesforce.linkOrg(SALESFORCE_APP.clientId);
      const providerData = { organization_id: organizationId };
      const [first, second, stale] = await provideInstances(
        ingest.app,
        { elementKey: 'sfdc', providerData, secrets: { 'event.webhook.secret': 'trigger-secret' } },
        { elementKey: 'sfdc', providerData, secrets: { 'event.webhook.secret': 'trigger-secret' } },
        { elementKey: 'sfdc', providerData, secrets: { 'event.webhook.secret': 'an-older-secret' } },
      );
      const account = salesforce.createRecord(organizationId, 'Account', { Name: 'Fan-out Ltd' });
      const call = salesforce.webhook({
        instanceIds: [first ?? 0, second ?? 0, stale ?? 0],
        secret: 'trigger-secret',
        action: 'insert',
        records: [account],
        organizationId,
      });
      expect((await send(`${PUBLIC_EVENTS_URL}/sfdc`, call)).status).toBe(200);
      const [a] = await rawEventsOf(first ?? 0);
      const [b] = await rawEventsOf(second ?? 0);
      expect(a).toMatchObject({ elementKey: 'sfdc', headers: { 'element-instances': `${first},${second},${stale}` }, body: JSON.parse(call.body) as unknown });
      expect(b?.['body']).toEqual(a?.['body']);
      expect(JSON.stringify(a)).not.toContain('trigger-secret');
      await expectNothingPublishedWith(`"instanceId":${stale}`);
      expect(raw.withKey(String(stale))).toEqual([]);
    });
  });

  describe('Microsoft Graph', () => {
    it('answers the subscription validation exactly, then accepts the notifications with 202', async () => {
      const clientState = `client-state-${randomUUID()}`;
      const { user, code } = graph.linkUser(GRAPH_APP.clientId);
      const [id] = await provide({
        elementKey: 'microsoftgraph',
        providerData: { user_id: user.id },
        secrets: { 'event.webhook.secret': clientState, 'oauth.api.secret': GRAPH_APP.clientSecret },
      });
      const accessToken = await graphAccessToken(graph, code);
      const notificationUrl = `${ingest.eventsUrl}/microsoftgraph/${instanceSegment(id ?? 0)}`;
      const created = await fetch(`${graph.server.baseUrl}/v1.0/subscriptions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          changeType: 'created,updated',
          notificationUrl,
          resource: 'me/messages',
          expirationDateTime: new Date(Date.now() + 3_600_000).toISOString(),
          clientState,
        }),
      });
      expect(created.status).toBe(201);
      const validation = graph.validations.at(-1);
      expect(validation).toMatchObject({ url: notificationUrl, status: 200 });
      expect(validation?.body).toBe(validation?.token);

      const subscriptionId = String(((await created.json()) as { id: string }).id);
      expect(await graph.notify(subscriptionId, 'created', 'AAMkAGI2')).toBe(202);
      const [event] = await rawEventsOf(id ?? 0);
      expect(event).toMatchObject({ elementKey: 'microsoftgraph', contentType: 'application/json; charset=utf-8' });
      expect((event?.['body'] as { value: Array<Record<string, unknown>> }).value[0]).toMatchObject({ subscriptionId, changeType: 'created' });
    });
  });

  describe('calls no built-in provider makes', () => {
    it('accepts a form-encoded POST, kept as its fields', async () => {
      const [id] = await provide({ elementKey: FORM_HOOK_KEY, secrets: { [FORM_HOOK_SECRET_KEY]: 'form-secret' } });
      const url = `${PUBLIC_EVENTS_URL}/${FORM_HOOK_KEY}/${instanceSegment(id ?? 0)}`;
      const body = 'event=created&name=two+words&tag=a&tag=b&__proto__=kept';
      const answer = await send(url, {
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-formhook-signature': formHookSignature('form-secret', 'POST', url, body) },
        body,
      });
      expect(answer.status).toBe(200);
      const [event] = await rawEventsOf(id ?? 0);
      expect(event).toMatchObject({ elementKey: FORM_HOOK_KEY, contentType: 'application/x-www-form-urlencoded' });
      expect(JSON.parse(raw.withKey(String(id))[0]?.raw ?? '{}').body).toEqual({ event: 'created', name: 'two words', tag: ['a', 'b'], ['__proto__']: 'kept' });
    });

    it('accepts a GET-style call, its event in the query', async () => {
      const [id] = await provide({ elementKey: FORM_HOOK_KEY, secrets: { [FORM_HOOK_SECRET_KEY]: 'get-secret' } });
      const url = `${PUBLIC_EVENTS_URL}/${FORM_HOOK_KEY}/${instanceSegment(id ?? 0)}?event=updated&item=42&note=a+b%2Bc`;
      const answer = await send(url, { method: 'GET', headers: { 'x-formhook-signature': formHookSignature('get-secret', 'GET', url, '') } });
      expect(answer.status).toBe(200);
      const [event] = await rawEventsOf(id ?? 0);
      expect(event).toMatchObject({ body: {}, query: { event: 'updated', item: '42', note: 'a b+c' } });
    });

    it('takes a notification chained from another instance’s callback URL', async () => {
      const signatureKey = `chain-key-${randomUUID()}`;
      const [receiver] = await provide({ elementKey: CHAIN_KEY, secrets: { [CHAIN_SECRET_KEY]: signatureKey } });
      const callbackUrl = `${PUBLIC_EVENTS_URL}/${CHAIN_KEY}/${instanceSegment(receiver ?? 0)}`;
      const [sender] = await provide({
        elementKey: 'hubspot',
        configuration: { 'event.notification.callback.url': callbackUrl },
        secrets: { 'event.notification.signature.key': signatureKey, 'oauth.api.secret': HUBSPOT_APP.clientSecret },
      });
      // What the notifier posts to the sender's callback URL (OPEN-CONNECTORS.md, "Signature and delivery").
      const notification = JSON.stringify({
        id: '1496771',
        topic: `instance-${sender}-hubspot-events`,
        action: 'create',
        message: {
          elementKey: 'hubspot',
          eventId: 'AWVX9OTIhdQRdI1F7Q7v',
          instanceId: sender,
          events: [{ objectType: 'contacts', objectId: '151', eventType: 'CREATED', elementKey: 'hubspot', hubKey: 'crm', date: '2026-01-05T10:00:00Z' }],
        },
      });
      const answer = await send(callbackUrl, {
        headers: {
          'content-type': 'application/json',
          'elements-webhook-id': 'delivery-1496771',
          'elements-webhook-signature': `sha256=${createHmac('sha256', signatureKey).update(notification).digest('base64')}`,
        },
        body: notification,
      });
      expect(answer.status).toBe(200);
      const [event] = await rawEventsOf(receiver ?? 0);
      expect(event).toMatchObject({
        elementKey: CHAIN_KEY,
        providerEventId: 'delivery-1496771',
        headers: { 'content-type': 'application/json', 'elements-webhook-id': 'delivery-1496771' },
        body: JSON.parse(notification) as unknown,
      });
      expect(Object.keys(event?.['headers'] as object)).not.toContain('elements-webhook-signature');
    });
  });

  describe('refusals: a clear {requestId, message} and nothing published', () => {
    it('404 for a connector nobody knows', async () => {
      const marker = randomUUID();
      expectErrorBody(await send(`${PUBLIC_EVENTS_URL}/nosuchconnector`, { body: `{"m":"${marker}"}` }), 404, 'no connector with the key "nosuchconnector" receives webhooks');
      await expectNothingPublishedWith(marker);
    });

    it('404 for an instance nobody knows, by provider key, by id, or of another connector', async () => {
      const marker = randomUUID();
      const strangerPortal = randomInt(1_000_000_000, 2_000_000_000);
      const stranger = hubspot.webhookV3(HUBSPOT_APP.clientSecret, {
        events: [hubSpotEvent(strangerPortal, 'contact.creation', { marker })],
      });
      expectErrorBody(await send(FAKE_HUBSPOT_WEBHOOK_URL, stranger), 404, 'no hubspot instance matches this call');

      const { accountId } = dropbox.linkAccount(DROPBOX_APP.clientId);
      const [dropboxInstance] = await provide({ elementKey: 'dropbox', providerData: { account_id: accountId } });
      for (const id of [dropboxInstance ?? 0, 1_999_999_999]) {
        const url = `${FAKE_HUBSPOT_WEBHOOK_URL}/${instanceSegment(id)}`;
        const call = hubspot.webhookV3(HUBSPOT_APP.clientSecret, { url, events: [hubSpotEvent(undefined, 'contact.creation', { marker })] });
        expectErrorBody(await send(url, call), 404, 'no hubspot instance matches this call');
      }
      await expectNothingPublishedWith(marker);
    });

    it('410 for an instance whose events are not enabled, naming it', async () => {
      const marker = randomUUID();
      const [instance] = await hubSpotInstances(1, false);
      const call = hubspot.webhookV3(HUBSPOT_APP.clientSecret, {
        events: [hubSpotEvent(instance?.portalId, 'contact.creation', { marker })],
      });
      expectErrorBody(await send(FAKE_HUBSPOT_WEBHOOK_URL, call), 410, `events are not enabled for hubspot instance ${instance?.id}`);
      await expectNothingPublishedWith(marker);
    });

    it('401 for a bad signature, in the adapter’s words and without the secret', async () => {
      const marker = randomUUID();
      const [instance] = await hubSpotInstances(1);
      const events = [hubSpotEvent(instance?.portalId, 'contact.creation', { marker })];
      const forged = hubspot.webhookV3('not-the-client-secret', { events });
      expectErrorBody(await send(FAKE_HUBSPOT_WEBHOOK_URL, forged), 401, 'X-HubSpot-Signature-v3 does not match');
      const stale = hubspot.webhookV3(HUBSPOT_APP.clientSecret, { events, timestamp: Date.now() - 10 * 60_000 });
      const answer = await send(FAKE_HUBSPOT_WEBHOOK_URL, stale);
      expect(answer.status).toBe(401);
      expect(answer.text).toContain('X-HubSpot-Request-Timestamp');
      expect(answer.text).not.toContain(HUBSPOT_APP.clientSecret);
      // Signed for the local URL rather than the public one the provider was given: refused.
      const local = hubspot.webhookV3(HUBSPOT_APP.clientSecret, { events, url: `${ingest.eventsUrl}/hubspot` });
      expectErrorBody(await send(FAKE_HUBSPOT_WEBHOOK_URL, local), 401, 'X-HubSpot-Signature-v3 does not match');
      await expectNothingPublishedWith(marker);
      expect(raw.withKey(String(instance?.id))).toEqual([]);
    });

    it('400 for a body the connector cannot read', async () => {
      const marker = randomUUID();
      const notArray = hubspot.webhookV3(HUBSPOT_APP.clientSecret, { events: [] });
      const objectBody = { ...notArray, body: JSON.stringify({ marker }) };
      expectErrorBody(await send(FAKE_HUBSPOT_WEBHOOK_URL, objectBody), 400, 'a HubSpot webhook body must be a JSON array of events');
      expectErrorBody(
        await send(FAKE_HUBSPOT_WEBHOOK_URL, { headers: { 'content-type': 'application/json' }, body: `[{"marker":"${marker}"` }),
        400,
        'the body is not valid JSON',
      );
      expectErrorBody(await send(`${FAKE_HUBSPOT_WEBHOOK_URL}/not*base64`, { body: `[{"marker":"${marker}"}]` }), 400, 'the instance segment of the path is not base64');
      await expectNothingPublishedWith(marker);
    });

    it('413 for a body over WEBHOOK_MAX_BODY_BYTES, before anything else', async () => {
      const marker = randomUUID();
      const body = JSON.stringify([{ marker, padding: 'x'.repeat(BODY_LIMIT_BYTES) }]);
      expectErrorBody(await send(FAKE_HUBSPOT_WEBHOOK_URL, { headers: { 'content-type': 'application/json' }, body }), 413, 'request body is too large');
      expectErrorBody(await send(`${PUBLIC_EVENTS_URL}/dropbox`, { headers: { 'content-type': 'text/plain' }, body }), 413, 'request body is too large');
      await expectNothingPublishedWith(marker);
    });

    it('405 for methods providers do not use', async () => {
      const answer = await send(FAKE_HUBSPOT_WEBHOOK_URL, { method: 'PUT', body: '[]' });
      expectErrorBody(answer, 405, 'PUT is not accepted here; use POST or GET');
      expect(answer.headers['allow']).toBe('GET, POST');
    });
  });

  it('counts calls by connector and outcome in /metrics', async () => {
    const text = await (await fetch(`${ingest.localUrl}/metrics`)).text();
    expect(text).toMatch(/webhook_ingest_calls_total\{element_key="hubspot",outcome="accepted",service="webhook-ingest"\} [1-9]/);
    expect(text).toMatch(/webhook_ingest_calls_total\{element_key="dropbox",outcome="handshake",service="webhook-ingest"\} [1-9]/);
    expect(text).toMatch(/webhook_ingest_calls_total\{element_key="hubspot",outcome="signature_invalid",service="webhook-ingest"\} [1-9]/);
    expect(text).toMatch(/webhook_ingest_calls_total\{element_key="unknown",outcome="connector_unknown",service="webhook-ingest"\} [1-9]/);
    expect(text).toMatch(/webhook_ingest_raw_events_total\{element_key="sfdc",service="webhook-ingest"\} [2-9]/);
  });
});

/** One event as HubSpot posts it (the fields of its webhooks reference); no portal for a call that names none. */
function hubSpotEvent(portalId: number | undefined, subscriptionType: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    eventId: randomInt(1_000_000_000, 4_000_000_000),
    subscriptionId: 1_243_456,
    ...(portalId !== undefined ? { portalId } : {}),
    appId: 1_160_452,
    occurredAt: Date.now(),
    subscriptionType,
    attemptNumber: 0,
    objectId: randomInt(100, 1_000_000),
    changeSource: 'CRM',
    changeFlag: 'NEW',
    ...extra,
  };
}

/** The OAuth code exchange at the fake identity platform, for the Graph subscription call. */
async function graphAccessToken(graph: FakeMicrosoftGraph, code: string): Promise<string> {
  const answer = await fetch(`${graph.server.baseUrl}/common/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      client_id: GRAPH_APP.clientId,
      client_secret: GRAPH_APP.clientSecret,
      redirect_uri: GRAPH_APP.redirectUri,
      scope: 'offline_access https://graph.microsoft.com/.default',
    }),
  });
  const body = (await answer.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no Graph token: ${JSON.stringify(body)}`);
  return body.access_token;
}
