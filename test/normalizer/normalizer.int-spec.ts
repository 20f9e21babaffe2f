import { Global, INestApplication, Module } from '@nestjs/common';
import { Partitioners } from 'kafkajs';
import { Registry } from 'prom-client';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '@connector-events/config';
import { createConnectorRegistry } from '@connector-events/connectors';
import { EventNotification, RawEvent, validateShape } from '@connector-events/event-schema';
import { EventObjectMessage, InstanceSnapshotMessage, MESSAGE_BUS, MessageBus, TOPICS } from '@connector-events/messaging';
import { NORMALIZER_DATABASE, NormalizationModule, PROMETHEUS_REGISTRY } from '@connector-events/normalization';
import { createServiceApp } from '@connector-events/runtime';
import {
  FakeDropbox,
  FakeGraphSubscription,
  FakeHubSpot,
  FakeQuickBooks,
  RecordedMessage,
  TopicRecorder,
  changeNotification,
  startGroupAtEnd,
  changeNotificationCollection,
  lifecycleNotification,
  testEnvironment,
  uniqueName,
  waitFor,
} from '@connector-events/testing';
import { instanceSnapshot, testInstanceId, webhookRawEvent } from './support/normalizer-fixtures';

const HUBSPOT_APP = { clientId: 'hs-normalizer-it', clientSecret: 'hs-normalizer-it-secret', redirectUri: 'https://app.example.com/hs' };
const QUICKBOOKS_APP = { clientId: 'qb-normalizer-it', clientSecret: 'qb-normalizer-it-secret', redirectUri: 'https://app.example.com/qb' };
const DROPBOX_APP = { clientId: 'dbx-normalizer-it', clientSecret: 'dbx-normalizer-it-secret', redirectUri: 'https://app.example.com/dbx' };
const VERIFIER_TOKEN = 'qb-verifier-token-value';

/** The partition Kafka's default (murmur2) partitioner gives a key, as the bus's producer does. */
function kafkaPartitionOf(instanceId: number, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 0, replicas: [0], isr: [0], partitionErrorCode: 0 }));
  return Partitioners.DefaultPartitioner()({ topic: TOPICS.rawEvents.name, partitionMetadata, message: { key: String(instanceId), value: null } });
}

/** Stands in for the process root providing its served registry under PROMETHEUS_REGISTRY. */
const served = new Registry();
@Global()
@Module({ providers: [{ provide: PROMETHEUS_REGISTRY, useValue: served }], exports: [PROMETHEUS_REGISTRY] })
class ServedRegistryModule {}

/** The normalizer in this process, over the real Kafka and PostgreSQL, fed with raw events as webhook-ingest publishes them. */
describe('normalizer over Kafka and PostgreSQL', () => {
  const hubspot = new FakeHubSpot();
  const quickbooks = new FakeQuickBooks();
  const dropbox = new FakeDropbox();
  let app: INestApplication;
  let bus: MessageBus;
  let notifications: TopicRecorder;
  let eventObjects: TopicRecorder;
  let deadLetters: TopicRecorder;

  beforeAll(async () => {
    await dropbox.start();
    dropbox.registerApp(DROPBOX_APP);
    hubspot.registerApp(HUBSPOT_APP);
    quickbooks.registerApp(QUICKBOOKS_APP);
    const groupId = uniqueName('normalizer');
    await startGroupAtEnd(groupId, TOPICS.rawEvents.name);
    const config = loadConfig('normalizer', { ...testEnvironment({ PORT: '0' }), PROVIDER_BASE_URL_DROPBOX: dropbox.server.baseUrl });
    app = await createServiceApp(config, { service: 'normalizer', transport: 'kafka', features: [
        ServedRegistryModule,
        NormalizationModule.register({ groupId, parking: { inlineAttempts: 2, delaysMs: [1500, 1500, 1500, 1500] }, redriveEveryMs: 200 }),
      ],
    });
    await app.listen(0, '127.0.0.1');
    bus = app.get<MessageBus>(MESSAGE_BUS);
    [notifications, eventObjects, deadLetters] = await Promise.all(
      [TOPICS.notifications.name, TOPICS.eventObjects.name, `${TOPICS.rawEvents.name}.dlq`].map((topic) => new TopicRecorder(topic).start()),
    );
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([notifications, eventObjects, deadLetters].map((recorder) => recorder?.stop()));
    await dropbox.close();
  });

  async function provision(snapshot: InstanceSnapshotMessage): Promise<number> {
    await bus.publish(TOPICS.instances, [{ value: snapshot }]);
    return snapshot.instanceId;
  }

  async function send(...raws: RawEvent[]): Promise<void> {
    await bus.publish(TOPICS.rawEvents, raws.map((value) => ({ value })));
  }

  /**
   * The instance's notifications, one per id. Other tests run normalizers on the same raw topic
   * (under the default group), so a page may arrive twice: at-least-once, with the same id and
   * content, which is what receivers dedupe on. A copy that differs fails here.
   */
  function notificationsOf(id: number): EventNotification[] {
    const byId = new Map<string, EventNotification>();
    for (const message of notifications.withKey(String(id))) {
      const notification = message.value as EventNotification;
      const seen = byId.get(notification.message.eventId);
      if (seen) expect(notification).toEqual(seen);
      else byId.set(notification.message.eventId, notification);
    }
    return [...byId.values()];
  }

  function eventObjectsOf(id: number): RecordedMessage[] {
    const byKey = new Map<string, RecordedMessage>();
    for (const message of eventObjects.withKey(String(id))) {
      const value = message.value as { eventId: string; event: { objectId: string; objectType: string } };
      byKey.set(`${value.eventId}/${value.event.objectType}/${value.event.objectId}`, message);
    }
    return [...byKey.values()];
  }

  async function waitForNotifications(id: number, count: number): Promise<EventNotification[]> {
    return waitFor(() => (notificationsOf(id).length >= count ? notificationsOf(id) : undefined), {
      timeoutMs: 60_000,
      what: `${count} notifications of instance ${id}`,
    });
  }

  /** A Dropbox instance with tokens from the fake, once the normalizer has taken its first cursor. */
  async function provisionDropboxWithCursor(): Promise<{ accountId: string; id: number }> {
    const { accountId, code } = dropbox.linkAccount(DROPBOX_APP.clientId);
    const tokens = await createConnectorRegistry({ providerBaseUrls: { dropbox: dropbox.server.baseUrl } })
      .get('dropbox')
      .oauth.exchangeCode({ code, ...DROPBOX_APP, providerData: {} });
    const id = await provision(
      instanceSnapshot({
        id: testInstanceId(),
        elementKey: 'dropbox',
        configuration: { 'oauth.api.key': DROPBOX_APP.clientId },
        secrets: { 'oauth.api.secret': DROPBOX_APP.clientSecret },
        providerData: tokens.providerData,
        tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
      }),
    );
    const dataSource = app.get<DataSource>(getDataSourceToken(NORMALIZER_DATABASE.name));
    await waitFor(async () => {
      const rows = (await dataSource.query(`SELECT 1 FROM normalizer.connector_state WHERE instance_id = $1 AND key = 'cursor'`, [id])) as unknown[];
      return rows.length > 0 ? true : undefined;
    }, { what: 'the cursor taken when the instance appeared' });
    return { accountId, id };
  }

  function expectValid(list: readonly EventNotification[]): void {
    for (const notification of list) expect(validateShape(EventNotification, notification)).toEqual({ ok: true, value: expect.anything() });
  }

  it('turns a signed HubSpot batch of 100 events into exactly 5 notifications of 20, each carrying all 100 in raw', async () => {
    const { portal } = hubspot.installApp(HUBSPOT_APP.clientId);
    for (let i = 0; i < 60; i++) hubspot.createRecord(portal.portalId, 'contacts', { email: `c${i}@example.com` });
    for (let i = 0; i < 40; i++) hubspot.createRecord(portal.portalId, 'deals', { dealname: `deal ${i}` });
    const signed = hubspot.webhookV3(HUBSPOT_APP.clientSecret);
    const id = await provision(
      instanceSnapshot({
        id: testInstanceId(),
        elementKey: 'hubspot',
        configuration: { 'oauth.api.key': HUBSPOT_APP.clientId },
        secrets: { 'oauth.api.secret': HUBSPOT_APP.clientSecret },
        providerData: { hub_id: String(portal.portalId) },
      }),
    );
    await send(webhookRawEvent(id, 'hubspot', signed.body));

    const pages = await waitForNotifications(id, 5);
    const objects = await waitFor(() => (eventObjectsOf(id).length >= 100 ? eventObjectsOf(id) : undefined));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(notificationsOf(id)).toHaveLength(5);
    expect(pages.map((page) => page.message.events.length)).toEqual([20, 20, 20, 20, 20]);
    const sent = JSON.parse(signed.body) as unknown[];
    for (const page of pages) {
      expect(page.message.raw).toEqual({ payload: sent });
      expect(page).toMatchObject({
        topic: `instance-${id}-hubspot-events`,
        severity: 'medium',
        action: 'create',
        message: { elementKey: 'hubspot', instanceId: id, instance_id: id, instanceName: `hubspot ${id}`, instanceTags: ['normalizer-test'], accountId: 77, companyId: 77, userId: 78 },
      });
    }
    expectValid(pages);
    expect(new Set(pages.map((page) => page.message.eventId)).size).toBe(5);
    expect(pages.flatMap((page) => page.message.events.map((event) => event.objectType))).toEqual([
      ...Array<string>(60).fill('contacts'),
      ...Array<string>(40).fill('deals'),
    ]);
    expect(objects).toHaveLength(100);
    const pageOf = new Map(pages.flatMap((page) => page.message.events.map((event) => [event.objectId, page.message.eventId] as const)));
    for (const object of objects.map((m) => m.value as EventObjectMessage)) expect(object.eventId).toBe(pageOf.get(object.event.objectId));
  });

  it('carries a 3 MiB HubSpot batch (three times Kafka\'s default record limit) through to notifications that repeat it whole', async () => {
    const { portal } = hubspot.installApp(HUBSPOT_APP.clientId);
    for (let i = 0; i < 25; i++) hubspot.createRecord(portal.portalId, 'contacts', { email: `big${i}@example.com` });
    const events = (JSON.parse(hubspot.webhookV3(HUBSPOT_APP.clientSecret).body) as Record<string, unknown>[]).map((event) => ({
      ...event,
      padding: 'x'.repeat(128 * 1024),
    }));
    const body = JSON.stringify(events);
    expect(Buffer.byteLength(body)).toBeGreaterThan(3 * 1024 * 1024);
    const id = await provision(
      instanceSnapshot({
        id: testInstanceId(),
        elementKey: 'hubspot',
        configuration: { 'oauth.api.key': HUBSPOT_APP.clientId },
        secrets: { 'oauth.api.secret': HUBSPOT_APP.clientSecret },
        providerData: { hub_id: String(portal.portalId) },
      }),
    );
    await send(webhookRawEvent(id, 'hubspot', body));

    const pages = await waitForNotifications(id, 2);
    expect(pages.map((page) => page.message.events.length).sort()).toEqual([20, 5]);
    for (const page of pages) expect(page.message.raw).toEqual({ payload: events });
  }, 90_000);

  it('turns a QuickBooks webhook into its notification, republishes a redelivery under the same ids, and drops an Intuit retry', async () => {
    const { realmId } = quickbooks.connectCompany(QUICKBOOKS_APP.clientId);
    const invoice = quickbooks.createEntity(realmId, 'Invoice', { TotalAmt: 120 });
    quickbooks.updateEntity(realmId, 'Customer', String(quickbooks.createEntity(realmId, 'Customer')['Id']));
    const signed = quickbooks.legacyWebhook(VERIFIER_TOKEN);
    const id = await provision(
      instanceSnapshot({ id: testInstanceId(), elementKey: 'quickbooks', secrets: { 'webhook.verifier.token': VERIFIER_TOKEN }, providerData: { realmId } }),
    );
    const raw = webhookRawEvent(id, 'quickbooks', signed.body, { providerEventId: `legacy:${randomUUID()}` });
    await send(raw);
    const [page] = await waitForNotifications(id, 1);
    expect(page?.message.events).toEqual([
      expect.objectContaining({ objectType: 'invoices', objectId: invoice['Id'], eventType: 'CREATED', elementKey: 'quickbooks', hubKey: 'finance' }),
      expect.objectContaining({ objectType: 'customers', eventType: 'CREATED' }),
      expect.objectContaining({ objectType: 'customers', eventType: 'UPDATED' }),
    ]);
    expect(page?.message.raw).toEqual(JSON.parse(signed.body));
    expectValid([page as EventNotification]);

    // Intuit's retry (same delivery, new raw event), a redelivery of the raw event, then a new delivery.
    const next = webhookRawEvent(id, 'quickbooks', quickbooks.legacyWebhook(VERIFIER_TOKEN, [{ realmId, name: 'Invoice', id: '99', operation: 'Delete', at: new Date() }]).body, {
      providerEventId: `legacy:${randomUUID()}`,
    });
    await send({ ...raw, rawEventId: randomUUID() }, raw, next);
    const all = await waitForNotifications(id, 2);
    expect(all.map((n) => n.message.eventId)).toEqual([page?.message.eventId, expect.any(String)]);
    expect(all[1]?.message.events).toEqual([expect.objectContaining({ objectType: 'invoices', objectId: '99', eventType: 'DELETED' })]);
    // The redelivery was published again under the same id (copies are checked equal above);
    // Intuit's retry, a new raw event for the same delivery, was not.
    const copies = await waitFor(() => {
      const ids = notifications.withKey(String(id)).map((m) => (m.value as EventNotification).message.eventId);
      return ids.filter((eventId) => eventId === page?.message.eventId).length >= 2 ? ids : undefined;
    });
    expect(new Set(copies)).toEqual(new Set([page?.message.eventId, all[1]?.message.eventId]));
  });

  it('turns a Microsoft Graph change notification into its notification, leaving lifecycle items in raw only', async () => {
    const id = testInstanceId();
    const subscription: FakeGraphSubscription = {
      id: randomUUID(),
      resource: 'me/messages',
      applicationId: randomUUID(),
      changeType: 'created,updated,deleted',
      clientState: 'graph-client-state-value',
      notificationUrl: `https://events.example.com/elements/api-v2/events/microsoftgraph/${Buffer.from(String(id)).toString('base64')}`,
      expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
      creatorId: randomUUID(),
      tenantId: randomUUID(),
    };
    const body = changeNotificationCollection(
      changeNotification(subscription, 'created', 'AAMkAGI2TG93AAA='),
      changeNotification(subscription, 'deleted', 'AAMkAGI2TG94AAA='),
      lifecycleNotification(subscription, 'reauthorizationRequired'),
    );
    await provision(
      instanceSnapshot({
        id,
        elementKey: 'microsoftgraph',
        secrets: { 'event.webhook.secret': subscription.clientState },
        providerData: { subscription_ids: subscription.id },
      }),
    );
    await send(webhookRawEvent(id, 'microsoftgraph', JSON.stringify(body)));
    const [page] = await waitForNotifications(id, 1);
    expect(page?.message.events).toEqual([
      expect.objectContaining({ objectType: 'messages', objectId: 'AAMkAGI2TG93AAA=', eventType: 'CREATED', hubKey: 'general' }),
      expect.objectContaining({ objectType: 'messages', objectId: 'AAMkAGI2TG94AAA=', eventType: 'DELETED' }),
    ]);
    expect(page?.message.raw).toEqual(body);
    expectValid([page as EventNotification]);
  });

  it('expands a Dropbox webhook through list_folder/continue from the cursor taken when events were enabled', async () => {
    const { accountId, id } = await provisionDropboxWithCursor();

    dropbox.addFolder(accountId, '/Contracts');
    dropbox.addFile(accountId, '/Contracts/acme.pdf', 52_000);
    dropbox.deleteEntry(accountId, '/Contracts/draft.docx');
    const signed = dropbox.webhook([accountId], DROPBOX_APP.clientSecret);
    await send(webhookRawEvent(id, 'dropbox', signed.body));
    const [page] = await waitForNotifications(id, 1);
    expect(page?.message.events).toEqual([
      expect.objectContaining({ objectType: 'folders', eventType: 'CREATED', path: '/Contracts', elementKey: 'dropbox', hubKey: 'documents' }),
      expect.objectContaining({ objectType: 'files', eventType: 'UPDATED', path: '/Contracts/acme.pdf', size: 52_000, name: 'acme.pdf' }),
      expect.objectContaining({ objectType: 'files', eventType: 'DELETED', objectId: '/Contracts/draft.docx' }),
    ]);
    expect(page?.message.raw).toEqual(JSON.parse(signed.body));
    expectValid([page as EventNotification]);
    expect(dropbox.server.requestsTo('POST', '/2/files/list_folder/continue').length).toBeGreaterThan(0);
  });

  it('parks a Dropbox raw event while Dropbox answers 503, so its partition moves on, and delivers it once Dropbox is back', async () => {
    const { accountId, id: dropboxId } = await provisionDropboxWithCursor();
    const dataSource = app.get<DataSource>(getDataSourceToken(NORMALIZER_DATABASE.name));
    // A HubSpot instance whose raw events share the Dropbox instance's partition.
    const partitions = (await bus.endOffsets(TOPICS.rawEvents)).size;
    const { portal } = hubspot.installApp(HUBSPOT_APP.clientId);
    let hubspotId = testInstanceId();
    while (kafkaPartitionOf(hubspotId, partitions) !== kafkaPartitionOf(dropboxId, partitions)) hubspotId = testInstanceId();
    await provision(instanceSnapshot({ id: hubspotId, elementKey: 'hubspot', providerData: { hub_id: String(portal.portalId) } }));
    hubspot.createRecord(portal.portalId, 'contacts', { email: 'moves-on@example.com' });

    dropbox.server.intercept = (request) =>
      request.path === '/2/files/list_folder/continue' ? { status: 503, text: 'upstream unavailable' } : undefined;
    try {
      dropbox.addFile(accountId, '/Parked/while-down.pdf', 1_000);
      const dropboxRaw = webhookRawEvent(dropboxId, 'dropbox', dropbox.webhook([accountId], DROPBOX_APP.clientSecret).body);
      await send(dropboxRaw, webhookRawEvent(hubspotId, 'hubspot', hubspot.webhookV3(HUBSPOT_APP.clientSecret).body));

      await waitForNotifications(hubspotId, 1);
      await waitFor(async () => {
        const rows = (await dataSource.query(`SELECT last_error FROM normalizer.parked_raw_events WHERE raw_event_id = $1`, [dropboxRaw.rawEventId])) as unknown[];
        return rows.length > 0 ? rows : undefined;
      }, { what: 'the parked Dropbox raw event' });
      // The instance's next raw event waits behind the parked one, without asking Dropbox.
      const continues = dropbox.server.requestsTo('POST', '/2/files/list_folder/continue').length;
      const laterRaw = webhookRawEvent(dropboxId, 'dropbox', dropbox.webhook([accountId], DROPBOX_APP.clientSecret).body);
      await send(laterRaw);
      await waitFor(async () => {
        const rows = (await dataSource.query(`SELECT 1 FROM normalizer.parked_raw_events WHERE raw_event_id = $1`, [laterRaw.rawEventId])) as unknown[];
        return rows.length > 0 ? true : undefined;
      }, { what: 'the later Dropbox raw event parked behind' });
      expect(dropbox.server.requestsTo('POST', '/2/files/list_folder/continue').length).toBeLessThanOrEqual(continues + 2);
      expect(notificationsOf(dropboxId)).toHaveLength(0);
    } finally {
      dropbox.server.intercept = undefined;
    }

    // Put back in order: the first finds the file, the later one nothing new (the cursor moved past it).
    const [page] = await waitForNotifications(dropboxId, 1);
    expect(page?.message.events).toEqual([expect.objectContaining({ objectType: 'files', path: '/Parked/while-down.pdf' })]);
    await waitFor(async () => {
      const rows = (await dataSource.query(`SELECT 1 FROM normalizer.parked_raw_events WHERE instance_id = $1`, [dropboxId])) as unknown[];
      return rows.length === 0 ? true : undefined;
    }, { what: 'no parked raw event left' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(notificationsOf(dropboxId)).toHaveLength(1);
    expect(deadLetters.withKey(String(dropboxId))).toHaveLength(0);
    const text = await served.metrics();
    expect(text).toMatch(/normalizer_raw_events_parked_total\{element_key="dropbox"\} [1-9]/);
    expect(text).toMatch(/normalizer_raw_events_redriven_total [1-9]/);
  }, 60_000);

  it('sends a raw event the adapter cannot understand to the dead-letter topic with the reason, and moves on', async () => {
    const { portal } = hubspot.installApp(HUBSPOT_APP.clientId);
    const id = await provision(instanceSnapshot({ id: testInstanceId(), elementKey: 'hubspot', providerData: { hub_id: String(portal.portalId) } }));
    hubspot.createRecord(portal.portalId, 'tickets', { subject: 'printer' });
    const bad = webhookRawEvent(id, 'hubspot', JSON.stringify({ payload: 'not a list of events' }));
    await send(bad, webhookRawEvent(id, 'hubspot', hubspot.webhookV3(HUBSPOT_APP.clientSecret).body));

    const dead = await waitFor(() => deadLetters.withKey(String(id))[0]);
    expect(deadLetters.withKey(String(id))).toHaveLength(1);
    expect((dead as RecordedMessage).value).toMatchObject({ rawEventId: bad.rawEventId });
    expect(dead.headers['dlq-reason']).toMatch(/^webhook_payload_invalid: a HubSpot webhook body must be a JSON array of events/);
    const [page] = await waitForNotifications(id, 1);
    expect(page?.message.events).toEqual([expect.objectContaining({ objectType: 'tickets', eventType: 'CREATED' })]);
  });

  it('counts raw events by outcome, the notifications published and the time taken, on the registry it is given', async () => {
    const metrics = await served.metrics();
    expect(metrics).toMatch(/normalizer_raw_events_total\{element_key="hubspot",source="webhook",outcome="published"\} [1-9]/);
    expect(metrics).toMatch(/normalizer_raw_events_total\{element_key="hubspot",source="webhook",outcome="dead_lettered"\} 1/);
    expect(metrics).toMatch(/normalizer_raw_events_total\{element_key="quickbooks",source="webhook",outcome="duplicate"\} 1/);
    expect(metrics).toMatch(/normalizer_notifications_published_total\{element_key="hubspot"\} ([6-9]|\d\d)/);
    // Two Dropbox raw events published, one of them after failed attempts while parked.
    expect(metrics).toMatch(/normalizer_raw_events_total\{element_key="dropbox",source="webhook",outcome="published"\} 2/);
    expect(metrics).toMatch(/normalizer_raw_events_total\{element_key="dropbox",source="webhook",outcome="no_events"\} 1/);
    expect(metrics).toMatch(/normalizer_raw_events_total\{element_key="dropbox",source="webhook",outcome="failed"\} [2-9]/);
    expect(metrics).toMatch(/normalizer_raw_event_duration_seconds_count\{element_key="dropbox",source="webhook"\} [4-9]/);
  });
});
