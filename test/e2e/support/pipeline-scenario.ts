import { createHmac } from 'node:crypto';
import { validateShape } from '@connector-events/event-schema';
import { EventNotification } from '@connector-events/event-schema';
import {
  CONNECTOR_SCENARIOS,
  CallbackDelivery,
  CausedChange,
  ConnectorScenario,
  ProvisionedInstance,
  RunningSystem,
  SYSTEM_CONNECTORS,
  SystemConnector,
  SystemMode,
  startSystem,
  waitFor,
} from '@connector-events/testing';
import { buildApps } from '../../support/build-once';

const HUB_OF: Record<SystemConnector, string> = {
  dropbox: 'documents',
  hubspot: 'crm',
  quickbooks: 'finance',
  sfdc: 'crm',
  microsoftgraph: 'general',
};
/** `EEE MMM dd HH:mm:ss zzz yyyy`, Java's Date.toString() in UTC, as Open Connectors writes createdDate. */
const JAVA_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{2} \d{2}:\d{2}:\d{2} UTC \d{4}$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?Z$/;

interface Outcome {
  readonly instance: ProvisionedInstance;
  readonly change: CausedChange;
  readonly delivery: CallbackDelivery;
  readonly signatureKey: string;
  readonly seconds: number;
}

/**
 * The end-to-end scenario, for one mode: for each connector, an instance provisioned through
 * the REST API as an Open Connectors user does it, one change made at the provider (its signed
 * webhook, or a record its API then returns to the poller), and the signed notification that
 * reaches the callback checked field by field. The five run at once, as five customers would.
 */
export function describePipeline(mode: SystemMode, connectors: readonly SystemConnector[] = SYSTEM_CONNECTORS): void {
  describe(`${mode}: provider change → signed notification at the callback`, () => {
    let system: RunningSystem;
    const outcomes = new Map<SystemConnector, Promise<Outcome>>();

    beforeAll(async () => {
      buildApps();
      system = await startSystem({ mode });
      // Started together, awaited by each test: the slowest path sets the time, not the sum.
      for (const connector of connectors) {
        const outcome = run(system, CONNECTOR_SCENARIOS[connector]);
        outcome.catch(() => undefined);
        outcomes.set(connector, outcome);
      }
    }, 180_000);
    afterAll(async () => {
      await system?.stop();
    });

    it.each(connectors.map((connector) => [connector, CONNECTOR_SCENARIOS[connector].method]))(
      '%s (%s): the notification arrives once, signed, with the envelope, the event object and raw as Open Connectors sends them',
      async (connector) => {
        const outcome = await (outcomes.get(connector) as Promise<Outcome>);
        expectNotification(system, CONNECTOR_SCENARIOS[connector], outcome);
        process.stdout.write(`${mode} ${connector}: provider change to callback in ${outcome.seconds.toFixed(2)} s\n`);
      },
    );

    it('a second change at each provider arrives as a new notification (new eventId) with only the new object', async () => {
      const settled = await Promise.all([...outcomes.values()]);
      await Promise.all(
        settled.map(async ({ instance, change }) => {
          const scenario = CONNECTOR_SCENARIOS[instance.connector];
          const next = await scenario.causeChange(system, instance);
          const [first, second] = await system.callbacks.waitForNotifications(2, { instanceId: instance.id }, 90_000);
          expect(second?.eventId).not.toBe(first?.eventId);
          expect((second?.body as EventNotification).message.events.map((e) => e.objectId)).toEqual([next.expected.objectId]);
          expect(next.expected.objectId).not.toBe(change.expected.objectId);
        }),
      );
    });

    it('every instance’s event log shows its first notification NOTIFIED, and nothing else reached the callbacks', async () => {
      const settled = await Promise.all([...outcomes.values()]);
      for (const { instance, delivery } of settled) {
        const logged = await waitFor(
          async () => {
            const events = await system.client.instanceEvents(instance.id);
            const found = events.find((event) => event['id'] === delivery.eventId);
            return found?.['status'] === 'NOTIFIED' ? found : undefined;
          },
          { timeoutMs: 60_000, intervalMs: 250, what: `the event log of instance ${instance.id} to show NOTIFIED` },
        );
        expect(logged).toMatchObject({ id: delivery.eventId, status: 'NOTIFIED', notifiedData: { message: { eventId: delivery.eventId, instanceId: instance.id } } });
      }
      // Two notifications per instance after dedup, and only this run's instances called.
      const ids = new Set(settled.map((o) => o.instance.id));
      expect(system.callbacks.notifications().map((d) => d.instanceId).sort()).toEqual([...ids, ...ids].sort());
      expect(system.callbacks.deliveries.every((d) => ids.has(d.instanceId ?? -1))).toBe(true);
      expect(system.callbacks.deliveries.every((d) => d.signature === 'valid')).toBe(true);
    });
  });
}

async function run(system: RunningSystem, scenario: ConnectorScenario): Promise<Outcome> {
  const signatureKey = `e2e-signing-key-${scenario.connector}-${system.runId}`;
  const instance = await system.client.provision(
    scenario.connector,
    scenario.provisionRequest({ name: `E2E ${scenario.connector}`, callbackUrl: system.callbacks.callbackUrl(scenario.connector, signatureKey), signatureKey }),
  );
  const startedAt = performance.now();
  const change = await scenario.causeChange(system, instance);
  const delivery = await system.callbacks
    .waitForNotifications(1, { instanceId: instance.id }, 120_000)
    .then(([first]) => first)
    .catch((error: Error) => {
      // Say where it stopped: the warnings each process logged about this instance.
      const logs = system.processNames.map((name) => {
        const lines = system.service(name).output().split('\n').filter((line) => line.includes(String(instance.id)) || /"level":(50|60)/.test(line));
        return `--- ${name} ---\n${lines.slice(-15).join('\n')}`;
      });
      throw new Error(`${error.message}\n${logs.join('\n')}`);
    });
  if (!delivery) throw new Error('no delivery');
  return { instance, change, delivery, signatureKey, seconds: (performance.now() - startedAt) / 1000 };
}

function expectNotification(system: RunningSystem, scenario: ConnectorScenario, outcome: Outcome): void {
  const { instance, change, delivery, signatureKey } = outcome;
  const connector = scenario.connector;

  // The instance as the API answered its creation.
  expect(instance.instance).toMatchObject({
    id: instance.id,
    name: `E2E ${connector}`,
    element: { key: connector, hub: HUB_OF[connector] },
    eventsEnabled: true,
    tags: [system.runId],
    configuration: {
      'event.notification.enabled': 'true',
      'event.notification.callback.url': system.callbacks.callbackUrl(connector),
      'event.notification.signature.key': '********',
      'oauth.api.secret': '********',
    },
  });

  // Headers and signature: the documented Node recipe over the exact bytes, and Standard Webhooks.
  expect(delivery.path).toBe(`/hooks/${connector}`);
  expect(delivery.status).toBe(200);
  expect(delivery.headers['content-type']).toBe('application/json');
  expect(delivery.headers['elements-webhook-signature']).toBe(`sha256=${createHmac('sha256', signatureKey).update(delivery.rawBody).digest('base64')}`);
  expect(delivery.signature).toBe('valid');
  expect(delivery.headers['elements-webhook-id']).toBe(delivery.eventId);
  expect(delivery.headers['webhook-id']).toBe(delivery.eventId);
  const timestamp = Number(delivery.headers['webhook-timestamp']);
  expect(Math.abs(delivery.receivedAt.getTime() / 1000 - timestamp)).toBeLessThan(300);
  const standard = createHmac('sha256', signatureKey).update(`${delivery.eventId}.${timestamp}.${delivery.rawBody.toString('utf8')}`).digest('base64');
  expect(delivery.headers['webhook-signature']).toBe(`v1,${standard}`);

  // The envelope, field by field.
  const notification = delivery.body as EventNotification;
  expect(validateShape(EventNotification, notification)).toEqual({ ok: true, value: expect.anything() });
  expect(Object.keys(notification).sort()).toEqual(['action', 'createdDate', 'id', 'message', 'severity', 'topic', 'user']);
  expect(notification.id).toEqual(expect.any(String));
  expect(notification.topic).toBe(`instance-${instance.id}-${connector}-events`);
  expect(notification.severity).toBe('medium');
  expect(notification.action).toBe('create');
  expect(notification.createdDate).toMatch(JAVA_DATE);
  expect(notification.user).toBe('notifications@connector-events');
  const message = notification.message;
  expect(Object.keys(message).sort()).toEqual(
    ['accountId', 'companyId', 'elementKey', 'eventId', 'events', 'instanceId', 'instanceName', 'instanceTags', 'instance_id', 'raw', 'userId'].sort(),
  );
  expect(message.elementKey).toBe(connector);
  expect(message.eventId).toBe(delivery.eventId);
  expect(message.instanceId).toBe(instance.id);
  expect(message.instance_id).toBe(instance.id);
  expect(message.instanceName).toBe(`E2E ${connector}`);
  expect(message.instanceTags).toEqual([system.runId]);
  expect(message.accountId).toEqual(expect.any(Number));
  expect(message.companyId).toBe(message.accountId);
  expect(message.userId).toBe((instance.instance['user'] as { id: number }).id);

  // The event object.
  const { expected } = change;
  expect(message.events).toHaveLength(1);
  const event = message.events[0] as unknown as Record<string, unknown>;
  expect(event).toEqual({
    objectType: expected.objectType,
    objectId: expected.objectId,
    eventType: expected.eventType,
    elementKey: connector,
    hubKey: HUB_OF[connector],
    date: expect.stringMatching(ISO_DATE),
    ...(scenario.method === 'polling' ? { pollDate: expect.stringMatching(ISO_DATE) } : {}),
    ...expected.extras,
  });

  // raw: the provider's body for a webhook; the polled records, the poll date and the object type for a poll.
  if (scenario.method === 'webhook') {
    expect(message.raw).toEqual(change.webhookBody);
  } else {
    const raw = message.raw as Record<string, unknown>;
    expect(Object.keys(raw).sort()).toEqual([expected.objectType, 'objectType', 'pollDate'].sort());
    expect(raw['objectType']).toBe(expected.objectType);
    expect(new Date(raw['pollDate'] as number).toISOString()).toBe(event['pollDate']);
    expect(raw[expected.objectType]).toEqual([expect.objectContaining(change.polledRecord)]);
  }
}
