import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DEFAULT_DATABASE_URL, DEFAULT_KAFKA_BROKERS } from '@connector-events/config';
import { ALL_TOPICS, DeliveryAttemptMessage, KafkaMessageBus, TOPICS } from '@connector-events/messaging';
import { ServiceProcess, TopicRecorder, freePort, startApp, testEnvironment, uniqueName, waitFor } from '@connector-events/testing';
import { buildApps } from '../support/build-once';
import { CallbackReceiver, callbackInstance, notificationFor, startGroupAtEnd, testInstanceId } from './support/notifier-fixtures';

const BEFORE_KILL = 10;
const WHILE_DOWN = 5;

/**
 * The built notifier as its own process, SIGKILLed while its deliveries wait for their retry and
 * started again: every pending retry is made and delivered, and notifications published while it
 * was down are delivered too. It uses the service's own schema (`notifier`), so it runs alone.
 */
describe('notifier killed while retries are pending', () => {
  const receiver = new CallbackReceiver();
  const bus = new KafkaMessageBus({
    brokers: (process.env['KAFKA_BROKERS'] ?? DEFAULT_KAFKA_BROKERS).split(','),
    clientId: `notifier-crash-test-${randomUUID()}`,
    topicPartitions: 3,
    onFatal: (error) => {
      throw error;
    },
  });
  const database = new Client({ connectionString: process.env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL });
  const GROUP = uniqueName('notifier-crash');
  const instanceId = testInstanceId();
  let deliveries: TopicRecorder;
  let notifier: ServiceProcess | undefined;

  beforeAll(async () => {
    buildApps();
    await receiver.start();
    await bus.start(ALL_TOPICS);
    await database.connect();
    await startGroupAtEnd(GROUP, TOPICS.notifications.name);
    deliveries = await new TopicRecorder(TOPICS.deliveries.name).start();
  });
  afterAll(async () => {
    await notifier?.stop('SIGKILL');
    await database.query('DELETE FROM notifier.deliveries WHERE instance_id = $1', [instanceId]).catch(() => undefined);
    await database.end();
    await deliveries?.stop();
    await bus.close();
    await receiver.close();
  });

  it('loses no pending retry', async () => {
    const env = testEnvironment({
      PORT: String(await freePort()),
      NOTIFIER_CONSUMER_GROUP: GROUP,
      CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
      NOTIFIER_RETRY_SCHEDULE_SECONDS: '3,1,1',
      NOTIFIER_RETRY_JITTER: '0',
      NOTIFIER_CALLBACK_TIMEOUT_MS: '2000',
    });
    receiver.answer('/crash', { status: 500 });
    notifier = await startApp('notifier', env);
    await bus.publish(TOPICS.instances, [{ value: callbackInstance({ id: instanceId, callbackUrl: `${receiver.url}/crash`, signatureKey: 'crash-key' }) }]);
    const first = Array.from({ length: BEFORE_KILL }, () => notificationFor(instanceId));
    await bus.publish(TOPICS.notifications, first.map((value) => ({ value })));

    // Every delivery failed once and waits, in the database, for its retry.
    const attempts = (): DeliveryAttemptMessage[] => deliveries.withKey(String(instanceId)).map((m) => m.value as DeliveryAttemptMessage);
    await waitFor(() => (attempts().filter((a) => a.outcome === 'RETRY_SCHEDULED').length >= BEFORE_KILL ? true : undefined), {
      timeoutMs: 90_000,
      what: 'the first failed attempts',
    });
    await waitFor(
      async () => {
        const { rows } = await database.query<{ waiting: number }>(
          `SELECT count(*)::int AS waiting FROM notifier.deliveries
            WHERE instance_id = $1 AND state = 'pending' AND attempts = 1 AND lease_owner IS NULL AND next_attempt_at > now()`,
          [instanceId],
        );
        return rows[0]?.waiting === BEFORE_KILL ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'the retries recorded' },
    );
    expect(await notifier.stop('SIGKILL')).toBeNull();

    receiver.answer('/crash', { status: 200 });
    const whileDown = Array.from({ length: WHILE_DOWN }, () => notificationFor(instanceId));
    await bus.publish(TOPICS.notifications, whileDown.map((value) => ({ value })));
    // Past the retry time: nothing delivered them while no notifier ran.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(receiver.callsTo('/crash')).toHaveLength(BEFORE_KILL);

    notifier = await startApp('notifier', env);
    const all = [...first, ...whileDown].map((n) => n.message.eventId);
    const delivered = (): Set<string> => new Set(attempts().filter((a) => a.outcome === 'DELIVERED').map((a) => a.eventId));
    // The notifications published while it was down arrive once the killed member's 30 s Kafka session has expired.
    await waitFor(() => (all.every((id) => delivered().has(id)) ? true : undefined), { timeoutMs: 150_000, what: 'every notification delivered' });
    for (const notification of first) {
      const calls = receiver.callsTo('/crash').filter((c) => c.headers['elements-webhook-id'] === notification.message.eventId);
      expect(calls).toHaveLength(2);
      expect(attempts().filter((a) => a.eventId === notification.message.eventId).map((a) => [a.attempt, a.outcome])).toEqual([
        [1, 'RETRY_SCHEDULED'],
        [2, 'DELIVERED'],
      ]);
    }
    for (const notification of whileDown) {
      expect(receiver.callsTo('/crash').filter((c) => c.headers['elements-webhook-id'] === notification.message.eventId)).toHaveLength(1);
    }
    expect(await notifier.stop('SIGTERM')).toBe(0);
  });
});
