import { randomUUID } from 'node:crypto';
import { DEFAULT_KAFKA_BROKERS } from '@connector-events/config';
import { EventNotification, RawEvent } from '@connector-events/event-schema';
import { ALL_TOPICS, KafkaMessageBus, TOPICS } from '@connector-events/messaging';
import { createInProcessNormalizer } from '@connector-events/normalization';
import { FakeHubSpot, ServiceProcess, TopicRecorder, freePort, startApp, startGroupAtEnd, testEnvironment, uniqueName, waitFor } from '@connector-events/testing';
import { buildApps } from '../support/build-once';
import { instanceRecordOf, instanceSnapshot, testInstanceId, webhookRawEvent } from './support/normalizer-fixtures';

const APP = { clientId: 'hs-crash-it', clientSecret: 'hs-crash-it-secret', redirectUri: 'https://app.example.com/hs' };
const RAW_EVENTS = 600;
const EVENTS_PER_RAW_EVENT = 25;

/**
 * The built normalizer as its own process, killed with SIGKILL in the middle of a stream of raw
 * events and started again: every notification is published, and none under an id the
 * normalizer would not have given it (a redelivery repeats the same id and the same content).
 */
describe('normalizer killed mid-stream', () => {
  const hubspot = new FakeHubSpot();
  const bus = new KafkaMessageBus({
    brokers: (process.env['KAFKA_BROKERS'] ?? DEFAULT_KAFKA_BROKERS).split(','),
    clientId: `normalizer-crash-test-${randomUUID()}`,
    topicPartitions: 3,
    onFatal: (error) => {
      throw error;
    },
  });
  const GROUP = uniqueName('normalizer-crash');
  let notifications: TopicRecorder;
  let normalizer: ServiceProcess | undefined;

  beforeAll(async () => {
    buildApps();
    hubspot.registerApp(APP);
    await bus.start(ALL_TOPICS);
    // Its own consumer group (other tests run normalizers too), moved past raw events earlier
    // runs left behind.
    await startGroupAtEnd(GROUP, TOPICS.rawEvents.name);
    notifications = await new TopicRecorder(TOPICS.notifications.name).start();
  });
  afterAll(async () => {
    await normalizer?.stop('SIGKILL');
    await notifications?.stop();
    await bus.close();
  });

  it('loses nothing and publishes no second copy under a new id', async () => {
    const { portal } = hubspot.installApp(APP.clientId);
    const snapshot = instanceSnapshot({ id: testInstanceId(), elementKey: 'hubspot', providerData: { hub_id: String(portal.portalId) } });
    const raws: RawEvent[] = [];
    for (let i = 0; i < RAW_EVENTS; i++) {
      for (let j = 0; j < EVENTS_PER_RAW_EVENT; j++) hubspot.createRecord(portal.portalId, 'contacts', { email: `c${i}-${j}@example.com` });
      raws.push(webhookRawEvent(snapshot.instanceId, 'hubspot', hubspot.webhookV3(APP.clientSecret).body));
    }
    // What the normalizer must publish: the same code, in this process.
    const reference = createInProcessNormalizer({ instances: [instanceRecordOf(snapshot)] });
    const expected = new Map<string, EventNotification>();
    for (const raw of raws) for (const page of (await reference.normalize(raw)).notifications) expected.set(page.message.eventId, page);
    expect(expected.size).toBe(RAW_EVENTS * 2);

    const env = testEnvironment({ PORT: String(await freePort()), NORMALIZER_CONSUMER_GROUP: GROUP });
    normalizer = await startApp('normalizer', env);
    await bus.publish(TOPICS.instances, [{ value: snapshot }]);
    for (let i = 0; i < raws.length; i += 100) await bus.publish(TOPICS.rawEvents, raws.slice(i, i + 100).map((value) => ({ value })));

    const mine = () => notifications.withKey(String(snapshot.instanceId)).map((m) => m.value as EventNotification);
    await waitFor(() => (mine().length >= expected.size / 5 ? true : undefined), { timeoutMs: 90_000, intervalMs: 10, what: 'a fifth of the notifications' });
    expect(await normalizer.stop('SIGKILL')).toBeNull();
    // Killed mid-stream: once the recorder caught up, some notifications are still missing.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(new Set(mine().map((n) => n.message.eventId)).size).toBeLessThan(expected.size);

    // The restarted member gets the partition once the killed one's 30 s session has expired.
    normalizer = await startApp('normalizer', env);
    await waitFor(() => (new Set(mine().map((n) => n.message.eventId)).size >= expected.size ? true : undefined), {
      timeoutMs: 150_000,
      what: 'every notification after the restart',
    });
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    const published = mine();
    for (const notification of published) expect(notification).toEqual(expected.get(notification.message.eventId));
    expect(new Set(published.map((n) => n.message.eventId))).toEqual(new Set(expected.keys()));
    // Only what was in flight at the kill is published twice, under the same ids.
    expect(published.length - expected.size).toBeLessThan(expected.size / 2);
    expect(await normalizer.stop('SIGTERM')).toBe(0);
    normalizer = undefined;
  }, 300_000);
});
