import { randomBytes, randomUUID } from 'node:crypto';
import { ConnectorRegistry, createConnectorRegistry, isConnectorError } from '@connector-events/connectors';
import { EventNotification, RawEvent, validateShape } from '@connector-events/event-schema';
import {
  EventObjectMessage,
  InstanceRecord,
  InstanceTokensMessage,
  OutgoingMessage,
  PermanentMessageError,
  TOPICS,
  TopicContract,
  openInstanceTokens,
} from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { FakeDropbox, FakeHubSpot } from '@connector-events/testing';
import { EncodingOnlyBus } from '../harness/encoding-only-bus';
import { InstanceLookup } from '../instances/instance-lookup';
import { NormalizerMetrics } from '../metrics/normalizer-metrics';
import { normalizerSessions } from '../sessions/normalizer-sessions';
import { InMemoryNormalizerStore } from '../store/in-memory-normalizer-store';
import { NotificationPublisher } from './notification-publisher';
import { RawEventNormalizer } from './raw-event-normalizer';

const HUBSPOT_APP = { clientId: 'hs-client', clientSecret: 'hs-client-secret', redirectUri: 'https://app.example.com/hs' };
const DROPBOX_APP = { clientId: 'dbx-key', clientSecret: 'dbx-app-secret', redirectUri: 'https://app.example.com/dbx' };

/** Validates and serializes like the real buses, and keeps what was published, in order. */
class RecordingBus extends EncodingOnlyBus {
  readonly messages: { topic: string; value: unknown }[] = [];
  failing?: string;

  override async publish<T extends object>(topic: TopicContract<T>, messages: readonly OutgoingMessage<T>[]): Promise<void> {
    if (this.failing === topic.name) throw new Error('broker unavailable');
    await super.publish(topic, messages);
    for (const message of messages) this.messages.push({ topic: topic.name, value: message.value });
  }

  on<T>(topic: TopicContract<T & object>): T[] {
    return this.messages.filter((m) => m.topic === topic.name).map((m) => m.value as T);
  }

  clear(): void {
    this.messages.length = 0;
  }
}

describe('RawEventNormalizer', () => {
  const hubspot = new FakeHubSpot();
  const dropbox = new FakeDropbox();
  const secretBox = new SecretBox(randomBytes(32));
  const records = new Map<number, InstanceRecord>();
  let connectors: ConnectorRegistry;
  let bus: RecordingBus;
  let store: InMemoryNormalizerStore;
  let lookup: InstanceLookup;
  let metrics: NormalizerMetrics;
  let normalizer: RawEventNormalizer;
  let nextId = 1000;

  beforeAll(async () => {
    await dropbox.start();
    dropbox.registerApp(DROPBOX_APP);
    hubspot.registerApp(HUBSPOT_APP);
    connectors = createConnectorRegistry({ providerBaseUrls: { dropbox: dropbox.server.baseUrl } });
  });
  afterAll(() => dropbox.close());

  function build(registry: ConnectorRegistry = connectors): RawEventNormalizer {
    return new RawEventNormalizer({
      instances: lookup,
      connectors: registry,
      store,
      sessions: normalizerSessions(store, bus, secretBox),
      publisher: new NotificationPublisher(bus, 16 * 1024 * 1024),
      metrics,
    });
  }

  beforeEach(() => {
    bus = new RecordingBus();
    store = new InMemoryNormalizerStore();
    lookup = new InstanceLookup({ get: (id) => records.get(id) }, { unknownWaitMs: 0 });
    metrics = new NormalizerMetrics();
    normalizer = build();
  });

  function instance(elementKey: string, extra: Partial<InstanceRecord> = {}): InstanceRecord {
    const record: InstanceRecord = {
      id: nextId++,
      version: 1,
      organizationId: 31,
      userId: 7,
      elementKey,
      name: `${elementKey} instance`,
      tags: ['t1'],
      eventsEnabled: true,
      configuration: {},
      providerData: {},
      tokens: {},
      updatedDate: new Date().toISOString(),
      ...extra,
    };
    records.set(record.id, record);
    return record;
  }

  function rawEvent(record: InstanceRecord, body: Record<string, unknown>, extra: Partial<RawEvent> = {}): RawEvent {
    return {
      rawEventId: randomUUID(),
      instanceId: record.id,
      elementKey: record.elementKey,
      source: 'webhook',
      receivedAt: new Date().toISOString(),
      headers: { 'content-type': 'application/json' },
      body,
      ...extra,
    };
  }

  function hubSpotBatch(count: number): { record: InstanceRecord; body: Record<string, unknown> } {
    const { portal } = hubspot.installApp(HUBSPOT_APP.clientId);
    for (let i = 0; i < count; i++) hubspot.createRecord(portal.portalId, 'contacts', { email: `c${i}@example.com` });
    const record = instance('hubspot', { providerData: { hub_id: String(portal.portalId) } });
    return { record, body: { payload: hubspot.takeEvents() } };
  }

  async function dropboxInstance(): Promise<{ record: InstanceRecord; accountId: string }> {
    const { accountId, code } = dropbox.linkAccount(DROPBOX_APP.clientId);
    const tokens = await connectors.get('dropbox').oauth.exchangeCode({ code, ...DROPBOX_APP, providerData: {} });
    const record = instance('dropbox', {
      configuration: { 'oauth.api.key': DROPBOX_APP.clientId, 'oauth.api.secret': DROPBOX_APP.clientSecret },
      providerData: tokens.providerData,
      tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, expiresAt: tokens.expiresAt },
    });
    return { record, accountId };
  }

  const dropboxBody = (accountId: string) => JSON.parse(dropbox.webhook([accountId], DROPBOX_APP.clientSecret).body) as Record<string, unknown>;

  describe('webhooks', () => {
    it('turns a HubSpot batch of 100 into 5 notifications of 20, each carrying all 100, then the 100 event objects', async () => {
      const { record, body } = hubSpotBatch(100);
      const report = await normalizer.normalize(rawEvent(record, body));

      expect(report).toMatchObject({ outcome: 'published', events: 100 });
      const notifications = bus.on<EventNotification>(TOPICS.notifications);
      expect(notifications.map((n) => n.message.events.length)).toEqual([20, 20, 20, 20, 20]);
      for (const notification of notifications) {
        expect(notification.message.raw).toEqual(body);
        expect(validateShape(EventNotification, notification).ok).toBe(true);
      }
      expect(new Set(notifications.map((n) => n.message.eventId)).size).toBe(5);
      const objects = bus.on<EventObjectMessage>(TOPICS.eventObjects);
      expect(objects).toHaveLength(100);
      // Every notification is out before the first event object.
      expect(bus.messages.findIndex((m) => m.topic === TOPICS.eventObjects.name)).toBe(5);
      expect(await metrics.registry.getSingleMetricAsString('normalizer_notifications_published_total')).toContain(
        'normalizer_notifications_published_total{element_key="hubspot"} 5',
      );
    });

    it('republishes a redelivered raw event under the same ids, and drops a provider retry of a delivery it saw', async () => {
      const { record, body } = hubSpotBatch(3);
      const first = rawEvent(record, body, { providerEventId: 'delivery-1' });
      const ids = (list: readonly EventNotification[]) => list.map((n) => [n.id, n.message.eventId]);
      const once = await normalizer.normalize(first);
      const redelivered = await normalizer.normalize(first);
      expect(redelivered.outcome).toBe('published');
      expect(ids(redelivered.notifications)).toEqual(ids(once.notifications));

      bus.clear();
      const retry = await normalizer.normalize({ ...first, rawEventId: randomUUID(), receivedAt: new Date().toISOString() });
      expect(retry.outcome).toBe('duplicate');
      expect(bus.messages).toEqual([]);
      const other = await normalizer.normalize(rawEvent(record, body, { providerEventId: 'delivery-2' }));
      expect(other.outcome).toBe('published');
    });

    it('drops raw events of unknown and deleted instances and of instances with events off', async () => {
      const unknown = instance('hubspot');
      records.delete(unknown.id);
      expect((await normalizer.normalize(rawEvent(unknown, { payload: [] }))).outcome).toBe('unknown_instance');

      const deleted = instance('hubspot');
      records.delete(deleted.id);
      lookup.noteChange(deleted.id, undefined);
      expect((await normalizer.normalize(rawEvent(deleted, { payload: [] }))).outcome).toBe('deleted_instance');

      const disabled = instance('hubspot', { eventsEnabled: false });
      expect((await normalizer.normalize(rawEvent(disabled, { payload: [] }))).outcome).toBe('events_disabled');
      expect(bus.messages).toEqual([]);
    });

    it('waits a moment for an instance its view has not seen yet', async () => {
      lookup = new InstanceLookup({ get: (id) => records.get(id) }, { unknownWaitMs: 2_000, pollMs: 20 });
      normalizer = build();
      const { record, body } = hubSpotBatch(1);
      records.delete(record.id);
      setTimeout(() => records.set(record.id, record), 200);
      expect((await normalizer.normalize(rawEvent(record, body))).outcome).toBe('published');
    });

    it('dead-letters what the adapter cannot read, naming the reason, and publishes nothing', async () => {
      const record = instance('hubspot');
      const failure = normalizer.normalize(rawEvent(record, { payload: 'not events' }));
      await expect(failure).rejects.toThrow(PermanentMessageError);
      await expect(failure).rejects.toThrow(/^webhook_payload_invalid: a HubSpot webhook body must be a JSON array/);
      await expect(normalizer.normalize(rawEvent(record, { payload: [] }, { elementKey: 'dropbox' }))).rejects.toThrow(/element_key_mismatch/);
      await expect(normalizer.normalize(rawEvent(instance('sfdc'), { payload: [] }, { source: 'polling' }))).rejects.toThrow(
        /webhook_payload_invalid: a poll result needs objectType/,
      );
      expect(bus.messages).toEqual([]);
      const counted = await metrics.registry.getSingleMetricAsString('normalizer_raw_events_total');
      expect(counted.match(/outcome="dead_lettered"} 1/g)).toHaveLength(3);
    });

    it('publishes nothing for a webhook without events (a Graph lifecycle call, a HubSpot call for another portal)', async () => {
      const { body } = hubSpotBatch(2);
      const otherPortal = instance('hubspot', { providerData: { hub_id: '1' } });
      expect(await normalizer.normalize(rawEvent(otherPortal, body))).toMatchObject({ outcome: 'no_events', notifications: [] });
      expect(bus.messages).toEqual([]);
    });
  });

  describe('Dropbox, a thin webhook expanded through list_folder/continue', () => {
    it('sets the cursor on the first call, then turns every later change into events', async () => {
      const { record, accountId } = await dropboxInstance();
      dropbox.addFile(accountId, '/before-the-cursor.txt');
      expect((await normalizer.normalize(rawEvent(record, dropboxBody(accountId)))).outcome).toBe('no_events');
      expect(Object.keys((await store.context(record.id, 'x')).state)).toEqual(['cursor']);

      dropbox.addFolder(accountId, '/Reports');
      dropbox.addFile(accountId, '/Reports/q3.pdf', 2048);
      dropbox.deleteEntry(accountId, '/old.txt');
      const report = await normalizer.normalize(rawEvent(record, dropboxBody(accountId)));
      expect(report.notifications).toHaveLength(1);
      expect(report.notifications[0]?.message.events).toEqual([
        expect.objectContaining({ objectType: 'folders', eventType: 'CREATED', path: '/Reports' }),
        expect.objectContaining({ objectType: 'files', eventType: 'UPDATED', path: '/Reports/q3.pdf', size: 2048 }),
        expect.objectContaining({ objectType: 'files', eventType: 'DELETED', objectId: '/old.txt' }),
      ]);
      expect(report.notifications[0]?.message.raw).toEqual(dropboxBody(accountId));
      expect((await normalizer.normalize(rawEvent(record, dropboxBody(accountId)))).outcome).toBe('no_events');
    });

    it('gives each change its own ids although every Dropbox call has the same body (and so the same raw event id)', async () => {
      const { record, accountId } = await dropboxInstance();
      const sameCall = rawEvent(record, dropboxBody(accountId));
      await normalizer.normalize(sameCall);
      dropbox.addFile(accountId, '/first.txt');
      const first = await normalizer.normalize({ ...sameCall, receivedAt: new Date().toISOString() });
      dropbox.addFile(accountId, '/second.txt');
      const second = await normalizer.normalize({ ...sameCall, receivedAt: new Date().toISOString() });
      expect(first.notifications.flatMap((n) => n.message.events.map((e) => e.path))).toEqual(['/first.txt']);
      expect(second.notifications.flatMap((n) => n.message.events.map((e) => e.path))).toEqual(['/second.txt']);
      expect(second.notifications[0]?.message.eventId).not.toBe(first.notifications[0]?.message.eventId);
      expect(second.notifications[0]?.id).not.toBe(first.notifications[0]?.id);
    });

    it('republishes exactly what a crashed attempt published, even after more changes, and only then moves the cursor', async () => {
      const { record, accountId } = await dropboxInstance();
      await normalizer.normalize(rawEvent(record, dropboxBody(accountId)));
      for (let i = 0; i < 15; i++) dropbox.addFile(accountId, `/batch/${i}.txt`);
      const raw = rawEvent(record, dropboxBody(accountId));

      bus.failing = TOPICS.eventObjects.name;
      await expect(normalizer.normalize(raw)).rejects.toThrow('broker unavailable');
      const firstAttempt = bus.on<EventNotification>(TOPICS.notifications);
      expect(firstAttempt.map((n) => n.message.events.length)).toEqual([15]);

      // More changes arrive before the redelivery; a fresh normalization would page differently.
      for (let i = 15; i < 30; i++) dropbox.addFile(accountId, `/batch/${i}.txt`);
      bus.failing = undefined;
      bus.clear();
      const again = await normalizer.normalize(raw);
      expect(again.notifications).toEqual(firstAttempt);

      const next = await normalizer.normalize(rawEvent(record, dropboxBody(accountId)));
      expect(next.notifications.flatMap((n) => n.message.events.map((e) => e.path))).toEqual(
        Array.from({ length: 15 }, (_, i) => `/batch/${i + 15}.txt`),
      );
    });

    it('refreshes a refused access token, keeps the new tokens sealed, reports them once, and uses them next time', async () => {
      const { record, accountId } = await dropboxInstance();
      await normalizer.normalize(rawEvent(record, dropboxBody(accountId)));
      dropbox.oauth.expireAccessTokens();
      dropbox.addFile(accountId, '/after-expiry.txt');
      expect((await normalizer.normalize(rawEvent(record, dropboxBody(accountId)))).events).toBe(1);

      const reported = bus.on<InstanceTokensMessage>(TOPICS.instanceTokens);
      expect(reported).toHaveLength(1);
      expect(reported[0]).toMatchObject({ instanceId: record.id, elementKey: 'dropbox', refreshedBy: 'normalizer' });
      const reportedTokens = openInstanceTokens(secretBox, record.id, reported[0]?.sealedTokens ?? '');
      expect(reportedTokens.accessToken).not.toBe(record.tokens.accessToken);
      expect(reportedTokens.refreshToken).toBe(record.tokens.refreshToken);
      expect(JSON.stringify(bus.messages)).not.toContain(reportedTokens.accessToken);
      expect(await store.refreshedTokens(record.id)).toMatchObject({ reported: true });

      // The snapshot still has the old token: the stored one is used, with no second refresh.
      const refreshes = () => dropbox.server.requestsTo('POST', '/oauth2/token').length;
      const before = refreshes();
      dropbox.addFile(accountId, '/later.txt');
      expect((await normalizer.normalize(rawEvent(record, dropboxBody(accountId)))).events).toBe(1);
      expect(refreshes()).toBe(before);
      expect(bus.on(TOPICS.instanceTokens)).toHaveLength(1);
    });

    it('retries when the provider cannot be reached, and dead-letters a refresh token the provider refuses', async () => {
      const { record, accountId } = await dropboxInstance();
      const unreachable = build(createConnectorRegistry({ providerBaseUrls: { dropbox: 'http://127.0.0.1:9' } }));
      const failure = await unreachable.normalize(rawEvent(record, dropboxBody(accountId))).catch((error: unknown) => error);
      expect(failure).not.toBeInstanceOf(PermanentMessageError);
      expect(isConnectorError(failure) && failure.retryable).toBe(true);

      await normalizer.normalize(rawEvent(record, dropboxBody(accountId)));
      dropbox.oauth.expireAccessTokens();
      dropbox.oauth.revokeRefreshTokens();
      await expect(normalizer.normalize(rawEvent(record, dropboxBody(accountId)))).rejects.toThrow(/^oauth_refresh_rejected: /);
    });
  });

  describe('poll results', () => {
    function contacts(count: number): Record<string, unknown>[] {
      const { portal } = hubspot.installApp(HUBSPOT_APP.clientId);
      const created = Array.from({ length: count }, (_, i) =>
        hubspot.createRecord(portal.portalId, 'contacts', { email: `p${i}@example.com` }, new Date(Date.UTC(2026, 10, 23, 9, 0, i))),
      );
      hubspot.takeEvents();
      return created as unknown as Record<string, unknown>[];
    }

    it('pages the records by 10 with the connector default configuration, each page carrying the whole poll result', async () => {
      const record = instance('hubspot');
      const polled = contacts(25);
      const pollDate = Date.UTC(2026, 10, 23, 10, 0, 0);
      const report = await normalizer.normalize(
        rawEvent(record, { contacts: polled, pollDate, objectType: 'contacts' }, { source: 'polling' }),
      );
      expect(report.notifications.map((n) => n.message.events.length)).toEqual([10, 10, 5]);
      const [page] = report.notifications;
      expect(page?.message.raw).toEqual({ contacts: polled, pollDate, objectType: 'contacts' });
      expect(page?.message.events[0]).toEqual({
        objectType: 'contacts',
        objectId: polled[0]?.['id'],
        eventType: 'CREATED',
        elementKey: 'hubspot',
        hubKey: 'crm',
        date: '2026-11-23T09:00:00.000Z',
        pollDate: '2026-11-23T10:00:00.000Z',
      });
    });

    it("uses the instance's own event.poller.configuration for the resource when it has one", async () => {
      const own = {
        contacts: {
          url: '/crm/v3/objects/contacts/search',
          idField: 'properties.email',
          datesConfiguration: { updatedDateField: 'updatedAt', updatedDateFormat: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX" },
        },
      };
      const record = instance('hubspot', { configuration: { 'event.poller.configuration': JSON.stringify(own) } });
      const report = await normalizer.normalize(
        rawEvent(record, { contacts: contacts(2), pollDate: new Date().toISOString(), objectType: 'contacts' }, { source: 'polling' }),
      );
      expect(report.notifications[0]?.message.events.map((e) => [e.objectId, e.eventType])).toEqual([
        [expect.stringMatching(/^p0@/), 'UPDATED'],
        [expect.stringMatching(/^p1@/), 'UPDATED'],
      ]);
    });

    it('dead-letters poll results it cannot read or configure', async () => {
      const record = instance('hubspot');
      const poll = (body: Record<string, unknown>) => normalizer.normalize(rawEvent(record, body, { source: 'polling' }));
      await expect(poll({ contacts: 'x', pollDate: 1, objectType: 'contacts' })).rejects.toThrow(/^webhook_payload_invalid: .*array of records/);
      await expect(poll({ contacts: [], pollDate: 'soon', objectType: 'contacts' })).rejects.toThrow(/pollDate/);
      await expect(poll({ widgets: [], pollDate: 1, objectType: 'widgets' })).rejects.toThrow(/^configuration_invalid: HubSpot cannot poll "widgets"/);
      await expect(normalizer.normalize(rawEvent(instance('dropbox'), { files: [], pollDate: 1, objectType: 'files' }, { source: 'polling' }))).rejects.toThrow(
        /^configuration_invalid: the dropbox connector is not polled/,
      );
      const broken = instance('hubspot', { configuration: { 'event.poller.configuration': '{"contacts": 1}' } });
      await expect(normalizer.normalize(rawEvent(broken, { contacts: [], pollDate: 1, objectType: 'contacts' }, { source: 'polling' }))).rejects.toThrow(
        PermanentMessageError,
      );
    });
  });
});
