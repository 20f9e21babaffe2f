import { Global, INestApplication, Module } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { loadConfig } from '@connector-events/config';
import { DeliveryModule, NOTIFIER_DATABASE, PROMETHEUS_REGISTRY } from '@connector-events/delivery';
import { EventNotification } from '@connector-events/event-schema';
import { DeliveryAttemptMessage, InstanceSnapshotMessage, MESSAGE_BUS, MessageBus, NotifierCommandMessage, TOPICS } from '@connector-events/messaging';
import { createServiceApp } from '@connector-events/runtime';
import { TopicRecorder, testEnvironment, uniqueName, waitFor } from '@connector-events/testing';
import { CallbackReceiver, callbackInstance as sharedKeyInstance, notificationFor, startGroupAtEnd, testInstanceId } from './support/notifier-fixtures';

/** Stands in for the process root providing its served registry under PROMETHEUS_REGISTRY. */
const served = new Registry();
@Global()
@Module({ providers: [{ provide: PROMETHEUS_REGISTRY, useValue: served }], exports: [PROMETHEUS_REGISTRY] })
class ServedRegistryModule {}

const CALLBACK_TIMEOUT_MS = 4_000;
/**
 * This file's own SECRETS_KEY: other notifiers on the broker (another test file's) read the same
 * notifications topic, and must not be able to open these instances and deliver to our callbacks.
 */
const SECRETS_KEY = randomBytes(32).toString('base64');
const callbackInstance = (input: Parameters<typeof sharedKeyInstance>[0]): InstanceSnapshotMessage => sharedKeyInstance({ ...input, secretsKey: SECRETS_KEY });
const PER_HOST = 4;

/**
 * The notifier in this process over the real Kafka and PostgreSQL (its own schema and consumer
 * group), delivering to local callback servers, with the retry schedule scaled down by config.
 */
describe('notifier over Kafka and PostgreSQL', () => {
  const receiver = new CallbackReceiver();
  const deadEndpoint = new CallbackReceiver();
  const schema = `notifier_it_${randomBytes(4).toString('hex')}`;
  let app: INestApplication;
  let bus: MessageBus;
  let deliveries: TopicRecorder;

  beforeAll(async () => {
    await Promise.all([receiver.start(), deadEndpoint.start()]);
    const groupId = uniqueName('notifier');
    await startGroupAtEnd(groupId, TOPICS.notifications.name);
    const config = loadConfig(
      'notifier',
      testEnvironment({
        PORT: '0',
        SECRETS_KEY,
        CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
        NOTIFIER_RETRY_SCHEDULE_SECONDS: '0.3,0.3',
        NOTIFIER_RETRY_JITTER: '0',
        NOTIFIER_CALLBACK_TIMEOUT_MS: String(CALLBACK_TIMEOUT_MS),
        NOTIFIER_MAX_CONCURRENCY: '16',
        NOTIFIER_MAX_CONCURRENCY_PER_HOST: String(PER_HOST),
      }),
    );
    app = await createServiceApp(config, {
      service: 'notifier',
      transport: 'kafka',
      features: [ServedRegistryModule, DeliveryModule.register({ groupId, schema, unknownInstanceWaitMs: 5_000 })],
    });
    await app.listen(0, '127.0.0.1');
    bus = app.get<MessageBus>(MESSAGE_BUS);
    deliveries = await new TopicRecorder(TOPICS.deliveries.name).start();
  });
  afterAll(async () => {
    const dataSource = app?.get<DataSource>(getDataSourceToken(NOTIFIER_DATABASE.name));
    await app?.close();
    await deliveries?.stop();
    await Promise.all([receiver.close(), deadEndpoint.close()]);
    if (dataSource) {
      const cleanup = new DataSource({ ...dataSource.options, name: 'notifier-cleanup', migrations: [] } as never);
      await cleanup.initialize();
      await cleanup.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await cleanup.destroy();
    }
  });

  async function provision(snapshot: InstanceSnapshotMessage): Promise<number> {
    await bus.publish(TOPICS.instances, [{ value: snapshot }]);
    return snapshot.instanceId;
  }

  async function publish(...notifications: EventNotification[]): Promise<void> {
    await bus.publish(TOPICS.notifications, notifications.map((value) => ({ value })));
  }

  function attemptsOf(instanceId: number, eventId?: string): DeliveryAttemptMessage[] {
    return deliveries
      .withKey(String(instanceId))
      .map((m) => m.value as DeliveryAttemptMessage)
      .filter((a) => eventId === undefined || a.eventId === eventId);
  }

  async function waitForAttempts(instanceId: number, eventId: string, count: number): Promise<DeliveryAttemptMessage[]> {
    return waitFor(() => (attemptsOf(instanceId, eventId).length >= count ? attemptsOf(instanceId, eventId) : undefined), {
      timeoutMs: 60_000,
      what: `${count} attempts at ${eventId}`,
    });
  }

  it('POSTs the exact notification, signed: Elements-Webhook-Signature verifies with the documented Node recipe, and so does webhook-signature', async () => {
    const signatureKey = `callback-key-${randomUUID()}`;
    const id = await provision(callbackInstance({ id: testInstanceId(), callbackUrl: `${receiver.url}/signed`, signatureKey }));
    const unsignedId = await provision(callbackInstance({ id: testInstanceId(), callbackUrl: `${receiver.url}/unsigned` }));
    const notification = notificationFor(id);
    const unsigned = notificationFor(unsignedId);
    await publish(notification, unsigned);

    const [call] = await waitFor(() => (receiver.callsTo('/signed').length > 0 ? receiver.callsTo('/signed') : undefined), { timeoutMs: 60_000 });
    if (!call) throw new Error('no call');
    // The recipe from the Open Connectors docs: HMAC-SHA256 of the raw body with the key, base64.
    const expected = `sha256=${createHmac('sha256', signatureKey).update(call.rawBody).digest('base64')}`;
    const header = call.headers['elements-webhook-signature'] ?? '';
    expect(header.length === expected.length && timingSafeEqual(Buffer.from(header), Buffer.from(expected))).toBe(true);
    expect(JSON.parse(call.rawBody.toString('utf8'))).toEqual(JSON.parse(JSON.stringify(notification)));
    expect(call.headers).toMatchObject({ 'content-type': 'application/json', 'elements-webhook-id': notification.message.eventId, 'webhook-id': notification.message.eventId });
    // Standard Webhooks: HMAC of "<id>.<timestamp>.<body>", fresh timestamp.
    const timestamp = Number(call.headers['webhook-timestamp']);
    expect(Math.abs(Date.now() / 1000 - timestamp)).toBeLessThan(300);
    const standard = createHmac('sha256', signatureKey).update(`${call.headers['webhook-id']}.${timestamp}.${call.rawBody.toString('utf8')}`).digest('base64');
    expect(call.headers['webhook-signature']).toBe(`v1,${standard}`);

    const [plain] = await waitFor(() => (receiver.callsTo('/unsigned').length > 0 ? receiver.callsTo('/unsigned') : undefined), { timeoutMs: 60_000 });
    expect(plain?.headers['elements-webhook-id']).toBe(unsigned.message.eventId);
    expect(plain?.headers['elements-webhook-signature']).toBeUndefined();
    expect(plain?.headers['webhook-signature']).toBeUndefined();

    const [attempt] = await waitForAttempts(id, notification.message.eventId, 1);
    expect(attempt).toMatchObject({ instanceId: id, eventId: notification.message.eventId, attempt: 1, outcome: 'DELIVERED', statusCode: 200, responseBody: 'ok' });
    expect(attempt?.durationMs).toBeGreaterThanOrEqual(0);
    const metrics = await served.metrics();
    expect(metrics).toMatch(/notifier_delivery_attempts_total\{outcome="DELIVERED"\} [1-9]/);
    expect(metrics).toContain('notifier_delivery_attempt_duration_seconds_bucket');
    expect(metrics).toMatch(/notifier_deliveries_waiting\{state="pending"\}/);
  });

  it('delivers on the third attempt to a callback that fails twice, the same bytes each time, every attempt on oc.deliveries.v1', async () => {
    receiver.answer('/flaky', { status: 500, body: 'boom' }, { status: 503, body: 'try later' }, { status: 200 });
    const id = await provision(callbackInstance({ id: testInstanceId(), callbackUrl: `${receiver.url}/flaky`, signatureKey: 'k' }));
    const notification = notificationFor(id);
    await publish(notification);

    const attempts = await waitForAttempts(id, notification.message.eventId, 3);
    expect(attempts.map((a) => [a.attempt, a.outcome, a.statusCode])).toEqual([
      [1, 'RETRY_SCHEDULED', 500],
      [2, 'RETRY_SCHEDULED', 503],
      [3, 'DELIVERED', 200],
    ]);
    expect(attempts[1]).toMatchObject({ responseBody: 'try later', nextAttemptAt: expect.any(String) });
    const calls = receiver.callsTo('/flaky');
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.rawBody.toString('base64'))).size).toBe(1);
    // Waited at least the (scaled) schedule between attempts.
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(280);
  });

  it('honours 429 with Retry-After, and a 410 Gone deactivates the callback so later notifications are queued', async () => {
    receiver.answer('/busy', { status: 429, headers: { 'retry-after': '2' } }, { status: 200 });
    const busy = await provision(callbackInstance({ id: testInstanceId(), callbackUrl: `${receiver.url}/busy` }));
    const first = notificationFor(busy);
    await publish(first);
    await waitForAttempts(busy, first.message.eventId, 2);
    const calls = receiver.callsTo('/busy');
    expect((calls[1]?.at ?? 0) - (calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(1_900);

    receiver.answer('/gone', { status: 410 });
    const gone = await provision(callbackInstance({ id: testInstanceId(), callbackUrl: `${receiver.url}/gone` }));
    const before = notificationFor(gone);
    await publish(before);
    const [disabled] = await waitForAttempts(gone, before.message.eventId, 1);
    expect(disabled).toMatchObject({ attempt: 1, outcome: 'CALLBACK_DISABLED', statusCode: 410 });
    const after = notificationFor(gone);
    await publish(after);
    const [queued] = await waitForAttempts(gone, after.message.eventId, 1);
    expect(queued).toMatchObject({ attempt: 0, outcome: 'QUEUED' });
    expect(receiver.callsTo('/gone')).toHaveLength(1);
  });

  it('never lets an endpoint that does not answer delay a healthy one (measured)', async () => {
    deadEndpoint.answer('/dead', 'hang');
    const dead = await provision(callbackInstance({ id: testInstanceId(), callbackUrl: `${deadEndpoint.url}/dead` }));
    const healthy = await provision(callbackInstance({ id: testInstanceId(), callbackUrl: `${receiver.url}/healthy` }));
    // The dead endpoint's notifications first, more than the overall concurrency limit.
    await publish(...Array.from({ length: 24 }, () => notificationFor(dead)));
    await waitFor(() => (deadEndpoint.calls.length >= PER_HOST ? true : undefined), { timeoutMs: 60_000, what: 'the dead endpoint to hold its slots' });
    const sentAt = new Map<string, number>();
    const batch = Array.from({ length: 30 }, () => notificationFor(healthy));
    for (const notification of batch) {
      sentAt.set(notification.message.eventId, performance.now());
      await publish(notification);
    }
    const received = await waitFor(() => (receiver.callsTo('/healthy').length >= 30 ? receiver.callsTo('/healthy') : undefined), {
      timeoutMs: 60_000,
      what: 'the healthy endpoint to get its 30 notifications',
    });
    // Every healthy delivery arrived before a single attempt at the dead endpoint had even timed out.
    expect(attemptsOf(dead)).toEqual([]);
    expect(deadEndpoint.maxOpen).toBeLessThanOrEqual(PER_HOST);
    const latencies = received
      .map((call) => call.at - (sentAt.get(call.headers['elements-webhook-id'] ?? '') ?? Number.NaN))
      .sort((a, b) => a - b);
    expect(latencies.every((ms) => Number.isFinite(ms))).toBe(true);
    process.stdout.write(
      `healthy endpoint beside a dead one: p50 ${latencies[Math.floor(latencies.length * 0.5)]?.toFixed(1)} ms, max ${latencies[latencies.length - 1]?.toFixed(1)} ms (callback timeout ${CALLBACK_TIMEOUT_MS} ms)\n`,
    );
    deadEndpoint.answer('/dead', { status: 200 });
    deadEndpoint.release();
  });

  it('under the queue policy queues at once on failure; redelivery sends the queue in order and reactivates the callback', async () => {
    receiver.answer('/queueing', { status: 500 });
    const id = await provision(
      callbackInstance({ id: testInstanceId(), callbackUrl: `${receiver.url}/queueing`, configuration: { 'notification.webhook.failure.policy': 'queue' } }),
    );
    const first = notificationFor(id);
    await publish(first);
    const [queuedAtOnce] = await waitForAttempts(id, first.message.eventId, 1);
    expect(queuedAtOnce).toMatchObject({ attempt: 1, outcome: 'QUEUED', statusCode: 500 });
    const rest = Array.from({ length: 5 }, () => notificationFor(id));
    for (const notification of rest) await publish(notification);
    for (const notification of rest) expect((await waitForAttempts(id, notification.message.eventId, 1))[0]).toMatchObject({ outcome: 'QUEUED', attempt: 0 });
    expect(receiver.callsTo('/queueing')).toHaveLength(1);

    receiver.answer('/queueing', { status: 200 });
    const command: NotifierCommandMessage = { commandId: randomUUID(), command: 'REDELIVER_QUEUED', organizationId: 91, instanceId: id, requestedAt: new Date().toISOString() };
    await bus.publish(TOPICS.notifierCommands, [{ value: command }]);
    const calls = await waitFor(() => (receiver.callsTo('/queueing').length >= 7 ? receiver.callsTo('/queueing') : undefined), { timeoutMs: 60_000 });
    expect(calls.slice(1).map((c) => c.headers['elements-webhook-id'])).toEqual([first, ...rest].map((n) => n.message.eventId));
    // Reactivated: the next notification goes straight out.
    const next = notificationFor(id);
    await publish(next);
    expect((await waitForAttempts(id, next.message.eventId, 1))[0]).toMatchObject({ attempt: 1, outcome: 'DELIVERED' });
  });

  it('redelivers one event on command, even one already delivered', async () => {
    const id = await provision(callbackInstance({ id: testInstanceId(), callbackUrl: `${receiver.url}/again` }));
    const notification = notificationFor(id);
    await publish(notification);
    await waitForAttempts(id, notification.message.eventId, 1);
    const command: NotifierCommandMessage = {
      commandId: randomUUID(),
      command: 'REDELIVER_EVENT',
      organizationId: 91,
      instanceId: id,
      eventId: notification.message.eventId,
      requestedAt: new Date().toISOString(),
    };
    await bus.publish(TOPICS.notifierCommands, [{ value: command }]);
    const attempts = await waitForAttempts(id, notification.message.eventId, 2);
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'DELIVERED'],
      [2, 'DELIVERED'],
    ]);
    expect(receiver.callsTo('/again')).toHaveLength(2);
  });

  it('delivers a notification read twice only once (recorded idempotently on event id and callback)', async () => {
    const id = await provision(callbackInstance({ id: testInstanceId(), callbackUrl: `${receiver.url}/once` }));
    const notification = notificationFor(id);
    const marker = notificationFor(id);
    await publish(notification, notification, marker);
    await waitForAttempts(id, marker.message.eventId, 1);
    await waitForAttempts(id, notification.message.eventId, 1);
    expect(receiver.callsTo('/once').filter((c) => c.headers['elements-webhook-id'] === notification.message.eventId)).toHaveLength(1);
  });
});
