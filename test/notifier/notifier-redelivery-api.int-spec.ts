import { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '@connector-events/config';
import { DeliveryModule, NOTIFIER_DATABASE } from '@connector-events/delivery';
import { EventNotification } from '@connector-events/event-schema';
import { INSTANCE_SERVICE_DATABASE, InstancesModule, runAccountsCommand } from '@connector-events/instances';
import { DeliveryAttemptMessage, MESSAGE_BUS, MessageBus, TOPICS } from '@connector-events/messaging';
import { createServiceApp } from '@connector-events/runtime';
import { FakeDropbox, TopicRecorder, testEnvironment, uniqueName, waitFor } from '@connector-events/testing';
import { CallbackReceiver, notificationFor, startGroupAtEnd } from './support/notifier-fixtures';

const APP = { clientId: 'dbx-notifier-it', clientSecret: 'dbx-notifier-it-secret', redirectUri: 'https://app.example.com/cb' };

/**
 * The redelivery API end to end: instance-service and the notifier in one process over the real
 * Kafka and PostgreSQL, an instance created through the API, its callback failing until it is
 * deactivated, the queue listed and redelivered in order by the PUT call, the event log NOTIFIED.
 */
describe('redelivery through the instances API', () => {
  const dropbox = new FakeDropbox();
  const receiver = new CallbackReceiver();
  const schema = `notifier_api_${randomBytes(4).toString('hex')}`;
  let app: INestApplication;
  let bus: MessageBus;
  let base: string;
  let deliveries: TopicRecorder;

  beforeAll(async () => {
    await Promise.all([dropbox.start(), receiver.start()]);
    dropbox.registerApp(APP);
    const groupId = uniqueName('notifier_api');
    await startGroupAtEnd(groupId, TOPICS.notifications.name);
    const config = loadConfig(
      'embedded',
      testEnvironment({
        PORT: '0',
        PROVIDER_BASE_URL_DROPBOX: dropbox.server.baseUrl,
        CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
        NOTIFIER_RETRY_SCHEDULE_SECONDS: '0.2',
        NOTIFIER_RETRY_JITTER: '0',
      }),
    );
    app = await createServiceApp(config, {
      service: 'embedded',
      transport: 'kafka',
      features: [InstancesModule, DeliveryModule.register({ groupId, schema })],
    });
    await app.listen(0, '127.0.0.1');
    base = `${await app.getUrl()}/elements/api-v2`.replace('[::1]', '127.0.0.1');
    bus = app.get<MessageBus>(MESSAGE_BUS);
    deliveries = await new TopicRecorder(TOPICS.deliveries.name).start();
  });
  afterAll(async () => {
    const dataSource = app?.get<DataSource>(getDataSourceToken(NOTIFIER_DATABASE.name));
    const options = dataSource?.options;
    await app?.close();
    await deliveries?.stop();
    await Promise.all([dropbox.close(), receiver.close()]);
    if (options) {
      const cleanup = new DataSource({ ...options, name: 'notifier-api-cleanup', migrations: [] } as never);
      await cleanup.initialize();
      await cleanup.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await cleanup.destroy();
    }
  });

  async function newAccount(): Promise<string> {
    const lines: string[] = [];
    const dataSource = app.get<DataSource>(getDataSourceToken(INSTANCE_SERVICE_DATABASE.name));
    const code = await runAccountsCommand(['create', '--organization', uniqueName('org'), '--email', 'n@example.com'], dataSource, {
      out: (line) => lines.push(line),
      err: (line) => lines.push(line),
    });
    expect(code).toBe(0);
    return (lines.find((line) => line.startsWith('Authorization: ')) ?? '').slice('Authorization: '.length);
  }

  async function call(authorization: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
    const answer = await fetch(`${base}${path}`, {
      method,
      headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    return { status: answer.status, body: text === '' ? undefined : (JSON.parse(text) as unknown) };
  }

  function attemptsOf(instanceId: number, eventId: string): DeliveryAttemptMessage[] {
    return deliveries
      .withKey(String(instanceId))
      .map((m) => m.value as DeliveryAttemptMessage)
      .filter((a) => a.eventId === eventId);
  }

  it('lists the queued deliveries, redelivers them in order with PUT, reactivates the callback, and the event log shows NOTIFIED', async () => {
    const authorization = await newAccount();
    const { code } = dropbox.linkAccount(APP.clientId);
    const created = await call(authorization, 'POST', '/instances', {
      element: { key: 'dropbox' },
      providerData: { code },
      name: 'Redelivery',
      configuration: {
        'oauth.api.key': APP.clientId,
        'oauth.api.secret': APP.clientSecret,
        'oauth.callback.url': APP.redirectUri,
        'event.notification.enabled': true,
        'event.notification.callback.url': `${receiver.url}/api-queue`,
        'event.notification.signature.key': 'api-signature-key',
      },
    });
    expect(created.status).toBe(200);
    const id = Number((created.body as { id: number }).id);
    receiver.answer('/api-queue', { status: 500 });

    // As the normalizer publishes them: the first exhausts its one retry, the rest are queued.
    const first = notificationFor(id);
    await bus.publish(TOPICS.notifications, [{ value: first }]);
    await waitFor(() => (attemptsOf(id, first.message.eventId).some((a) => a.outcome === 'CALLBACK_DISABLED') ? true : undefined), { timeoutMs: 60_000 });
    const rest: EventNotification[] = [];
    for (let i = 0; i < 3; i++) {
      const notification = notificationFor(id);
      rest.push(notification);
      await bus.publish(TOPICS.notifications, [{ value: notification }]);
    }
    const queuedIds = [first, ...rest].map((n) => n.message.eventId);
    const listed = await waitFor(
      async () => {
        const answer = await call(authorization, 'GET', `/notifications/subscriptions/deliveries?where=${encodeURIComponent(`instanceId = ${id}`)}`);
        const ids = (answer.body as Array<{ eventId: string }>).map((d) => d.eventId);
        return ids.length === 4 ? ids : undefined;
      },
      { timeoutMs: 60_000, what: 'the four queued deliveries in the list' },
    );
    expect(new Set(listed)).toEqual(new Set(queuedIds));
    expect(receiver.callsTo('/api-queue')).toHaveLength(2);

    // Another organization can neither see nor redeliver them.
    const stranger = await newAccount();
    expect((await call(stranger, 'PUT', `/notifications/subscriptions/deliveries?where=${encodeURIComponent(`instanceId = ${id}`)}`)).status).toBe(404);
    expect(await call(stranger, 'GET', '/notifications/subscriptions/deliveries')).toEqual({ status: 200, body: [] });
    const bad = await call(authorization, 'GET', `/notifications/subscriptions/deliveries?where=${encodeURIComponent('1 = 1')}`);
    expect(bad).toMatchObject({ status: 400, body: { requestId: expect.any(String), message: expect.stringContaining('where') } });

    receiver.answer('/api-queue', { status: 200 });
    const put = await call(authorization, 'PUT', `/notifications/subscriptions/deliveries?where=${encodeURIComponent(`instanceId = ${id}`)}`);
    expect(put).toMatchObject({ status: 202, body: { command: 'REDELIVER_QUEUED', commandId: expect.any(String) } });
    const calls = await waitFor(() => (receiver.callsTo('/api-queue').length >= 6 ? receiver.callsTo('/api-queue') : undefined), { timeoutMs: 60_000 });
    expect(calls.slice(2).map((c) => c.headers['elements-webhook-id'])).toEqual(queuedIds);

    for (const eventId of queuedIds) {
      const logged = await waitFor(
        async () => {
          const answer = await call(authorization, 'GET', `/instances/${id}/events/${eventId}`);
          return (answer.body as { status?: string }).status === 'NOTIFIED' ? answer.body : undefined;
        },
        { timeoutMs: 60_000, what: `event ${eventId} NOTIFIED` },
      );
      expect(logged).toMatchObject({ status: 'NOTIFIED', lastAttempt: { outcome: 'DELIVERED', statusCode: 200 } });
    }
    expect((await call(authorization, 'GET', '/notifications/subscriptions/deliveries')).body).toEqual([]);

    // The callback is active again: a new notification goes straight out.
    const next = notificationFor(id);
    await bus.publish(TOPICS.notifications, [{ value: next }]);
    await waitFor(() => (attemptsOf(id, next.message.eventId).some((a) => a.outcome === 'DELIVERED' && a.attempt === 1) ? true : undefined), { timeoutMs: 60_000 });

    // One event again, on request.
    const retry = await call(authorization, 'POST', `/instances/${id}/events/${first.message.eventId}/retry`);
    expect(retry).toMatchObject({ status: 202, body: { command: 'REDELIVER_EVENT' } });
    await waitFor(() => (receiver.callsTo('/api-queue').filter((c) => c.headers['elements-webhook-id'] === first.message.eventId).length >= 4 ? true : undefined), {
      timeoutMs: 60_000,
    });
    expect((await call(stranger, 'POST', `/instances/${id}/events/${first.message.eventId}/retry`)).status).toBe(404);
  });

  it('takes the account failure policy and refuses an unknown one', async () => {
    const authorization = await newAccount();
    expect(await call(authorization, 'PUT', '/notifications/settings', { 'notification.webhook.failure.policy': 'drop' })).toMatchObject({ status: 400 });
    expect(await call(authorization, 'PUT', '/notifications/settings', { 'notification.webhook.failure.policy': 'queue' })).toMatchObject({
      status: 202,
      body: { command: 'SET_FAILURE_POLICY' },
    });
    expect((await call('User x, Organization y', 'PUT', '/notifications/subscriptions/deliveries')).status).toBe(401);
  });
});
