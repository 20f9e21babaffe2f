import { INestApplication } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { loadConfig } from '@connector-events/config';
import { DeliveryModule } from '@connector-events/delivery';
import { DeliveryAttemptMessage, IncomingMessage, MESSAGE_BUS, MessageBus, TOPICS, on } from '@connector-events/messaging';
import { EmbeddedPostgres, startEmbeddedPostgres } from '@connector-events/persistence';
import { createServiceApp } from '@connector-events/runtime';
import { testEnvironment, waitFor } from '@connector-events/testing';
import { CallbackReceiver, callbackInstance, notificationFor, testInstanceId } from './support/notifier-fixtures';

/** The notifier as the embedded mode runs it: the in-process bus and PGlite over its single shared connection. */
describe('notifier in the embedded mode (in-process bus, PGlite)', () => {
  const receiver = new CallbackReceiver();
  let database: EmbeddedPostgres;
  let app: INestApplication;
  let bus: MessageBus;
  const attempts: DeliveryAttemptMessage[] = [];

  beforeAll(async () => {
    await receiver.start();
    database = await startEmbeddedPostgres({});
    const config = loadConfig(
      'embedded',
      testEnvironment({
        PORT: '0',
        DATABASE_URL: database.url,
        CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
        NOTIFIER_RETRY_SCHEDULE_SECONDS: '0.2,0.2',
        NOTIFIER_RETRY_JITTER: '0',
      }),
    );
    app = await createServiceApp(
      config,
      { service: 'embedded', transport: 'in-process', features: [DeliveryModule.register()], pgDriver: database.pgDriver },
    );
    await app.listen(0, '127.0.0.1');
    bus = app.get<MessageBus>(MESSAGE_BUS);
    await bus.subscribe({
      groupId: 'embedded-test.deliveries',
      fromBeginning: true,
      handlers: [on(TOPICS.deliveries, async (message: IncomingMessage<DeliveryAttemptMessage>) => void (message.value && attempts.push(message.value)))],
    });
  });
  afterAll(async () => {
    await app?.close();
    await database?.stop();
    await receiver.close();
  });

  it('delivers signed, retries a failing callback, and records everything in PGlite', async () => {
    receiver.answer('/embedded', { status: 502 }, { status: 200 });
    const id = testInstanceId();
    await bus.publish(TOPICS.instances, [{ value: callbackInstance({ id, callbackUrl: `${receiver.url}/embedded`, signatureKey: 'embedded-key' }) }]);
    const notifications = [notificationFor(id), notificationFor(id), notificationFor(id)];
    await bus.publish(TOPICS.notifications, notifications.map((value) => ({ value })));

    await waitFor(() => (notifications.every((n) => attempts.some((a) => a.eventId === n.message.eventId && a.outcome === 'DELIVERED')) ? true : undefined), {
      timeoutMs: 60_000,
      what: 'every notification delivered',
    });
    expect(attempts.filter((a) => a.outcome === 'RETRY_SCHEDULED')).toHaveLength(1);
    for (const call of receiver.callsTo('/embedded')) {
      expect(call.headers['elements-webhook-signature']).toBe(`sha256=${createHmac('sha256', 'embedded-key').update(call.rawBody).digest('base64')}`);
    }
    const ready = await fetch(`${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/health/ready`);
    expect(ready.status).toBe(200);
  });
});
