import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { EventNotification, formatJavaDate } from '@connector-events/event-schema';
import { NotifierMetrics } from '@connector-events/delivery';
import { InstanceSnapshotMessage, InstanceView, MESSAGE_BUS, MessageBus, TOPICS } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { BenchCallbackReceiver } from './lib/bench-callback-receiver';
import { BenchFlagsError, NumberFlag, parseNumberFlags, usage } from './lib/bench-flags';
import { formatSection } from './lib/bench-report';
import { summarizeLatencies } from './lib/latency-summary';
import { startNotifierUnderTest } from './lib/notifier-under-test';

const FLAGS = {
  notifications: { name: 'notifications', defaultValue: 5_000, min: 1, description: 'notifications for the throughput run' },
  receivers: { name: 'receivers', defaultValue: 8, min: 1, description: 'fast local receivers (callback hosts) they are spread over' },
  rate: { name: 'rate', defaultValue: 200, min: 1, description: 'notifications per second in the paced runs' },
  paced: { name: 'paced', defaultValue: 2_000, min: 1, description: 'notifications in each paced run' },
  dead: { name: 'dead', defaultValue: 200, min: 0, description: 'notifications to the endpoint that never answers' },
} satisfies Record<string, NumberFlag>;

const ORGANIZATION = 4242;

/**
 * `npm run bench:notify [-- --notifications N --receivers R --rate S --paced P --dead D]`: the
 * notifier in this process over the real Kafka broker and PostgreSQL, delivering to local
 * receivers that answer 200 at once. Three runs: all notifications published at once
 * (delivered per second, publish-to-receipt latency under saturation), a paced run (latency at a
 * steady rate), and the paced run again while another endpoint never answers (its attempts run
 * into the callback timeout): the healthy endpoints' latency must not change.
 */
async function main(): Promise<void> {
  const flags = parseNumberFlags(process.argv.slice(2), FLAGS);
  const notifier = await startNotifierUnderTest();
  const bus = notifier.app.get<MessageBus>(MESSAGE_BUS);
  const view = notifier.app.get(InstanceView);
  const box = new SecretBox(notifier.config.secretsKey);
  const receivers = await Promise.all(Array.from({ length: flags.receivers }, () => new BenchCallbackReceiver().start()));
  const dead = await new BenchCallbackReceiver(true).start();
  const instances: InstanceSnapshotMessage[] = [];
  try {
    const healthy = receivers.map((receiver, i) => snapshot(receiver.url + `/hook/${i}`, box));
    const deadInstance = snapshot(`${dead.url}/dead`, box);
    instances.push(...healthy, deadInstance);
    await bus.publish(TOPICS.instances, instances.map((value) => ({ value })));
    await waitUntil(() => instances.every((i) => view.get(i.instanceId) !== undefined));

    const settings = notifier.config.notifier;
    const common: Array<[string, string]> = [
      ['receivers', `${flags.receivers} local HTTP servers answering 200 at once (one callback host each)`],
      ['concurrency', `${settings.maxConcurrency} overall, ${settings.maxConcurrencyPerHost} per callback host`],
    ];

    // 1. Everything at once.
    const burst = notificationsFor(healthy, flags.notifications);
    const started = performance.now();
    const sentAt = new Map<string, number>();
    for (let i = 0; i < burst.length; i += 500) {
      const slice = burst.slice(i, i + 500);
      const at = performance.now();
      for (const n of slice) sentAt.set(n.message.eventId, at);
      await bus.publish(TOPICS.notifications, slice.map((value) => ({ value })));
    }
    const metrics = notifier.app.get(NotifierMetrics);
    const recorded = async (): Promise<number> => (await metrics.notifications.get()).values.reduce((sum, v) => sum + v.value, 0);
    while ((await recorded()) < burst.length) await new Promise((resolve) => setTimeout(resolve, 5));
    const allRecorded = performance.now();
    await waitUntil(() => burst.every((n) => received(receivers, n.message.eventId) !== undefined), 600_000);
    const last = Math.max(...burst.map((n) => received(receivers, n.message.eventId) ?? 0));
    const burstLatency = summarizeLatencies(burst.map((n) => (received(receivers, n.message.eventId) ?? 0) - (sentAt.get(n.message.eventId) ?? 0)));
    process.stdout.write(
      formatSection(`notifier: ${flags.notifications} notifications published at once → signed POSTs (Kafka ${notifier.config.kafka.brokers.join(',')})`, [
        ...common,
        ['delivered', `${burst.length} in ${((last - started) / 1000).toFixed(2)} s = ${(burst.length / ((last - started) / 1000)).toFixed(0)} notifications/s`],
        ['read and recorded', `all ${burst.length} after ${((allRecorded - started) / 1000).toFixed(2)} s = ${(burst.length / ((allRecorded - started) / 1000)).toFixed(0)} notifications/s (Kafka consumer → PostgreSQL)`],
        ['publish → receipt p50', `${burstLatency.p50.toFixed(1)} ms (under saturation: includes waiting behind the rest)`],
        ['publish → receipt p99', `${burstLatency.p99.toFixed(1)} ms`],
      ]),
    );

    // 2. Paced, healthy endpoints only.
    const calm = await paced(bus, receivers, notificationsFor(healthy, flags.paced), flags.rate);
    process.stdout.write(
      formatSection(`notifier: ${flags.paced} notifications at ${flags.rate}/s, all endpoints healthy`, [
        ['publish → receipt p50', `${calm.p50.toFixed(1)} ms`],
        ['publish → receipt p90', `${calm.p90.toFixed(1)} ms`],
        ['publish → receipt p99', `${calm.p99.toFixed(1)} ms`],
        ['max', `${calm.max.toFixed(1)} ms`],
      ]),
    );

    // 3. The same beside an endpoint that never answers.
    if (flags.dead > 0) {
      const deadNotifications = Array.from({ length: flags.dead }, () => notification(deadInstance.instanceId));
      await bus.publish(TOPICS.notifications, deadNotifications.map((value) => ({ value })));
      await waitUntil(() => dead.receivedAt.size >= Math.min(flags.dead, settings.maxConcurrencyPerHost));
      const beside = await paced(bus, receivers, notificationsFor(healthy, flags.paced), flags.rate);
      process.stdout.write(
        formatSection(`notifier: the same while ${flags.dead} notifications go to an endpoint that never answers (timeout ${settings.callbackTimeoutMs} ms)`, [
          ['healthy publish → receipt p50', `${beside.p50.toFixed(1)} ms`],
          ['healthy publish → receipt p90', `${beside.p90.toFixed(1)} ms`],
          ['healthy publish → receipt p99', `${beside.p99.toFixed(1)} ms`],
          ['healthy max', `${beside.max.toFixed(1)} ms`],
          ['dead endpoint', `${dead.receivedAt.size} attempts started, at most ${settings.maxConcurrencyPerHost} in flight`],
        ]),
      );
    }
  } finally {
    await bus.publish(TOPICS.instances, instances.map(({ instanceId }) => ({ key: String(instanceId), value: null }))).catch(() => undefined);
    await notifier.close();
    await Promise.all([...receivers, dead].map((r) => r.close()));
  }
}

function snapshot(callbackUrl: string, box: SecretBox): InstanceSnapshotMessage {
  const instanceId = 1_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
  return {
    instanceId,
    version: 1,
    organizationId: ORGANIZATION,
    userId: 1,
    elementKey: 'hubspot',
    name: `bench ${instanceId}`,
    tags: ['bench'],
    eventsEnabled: true,
    providerData: {},
    configuration: { 'event.notification.enabled': 'true', 'event.notification.callback.url': callbackUrl },
    sealedSecrets: box.sealRecord({ 'event.notification.signature.key': 'bench-signature-key' }, `instance:${instanceId}`),
    updatedDate: new Date().toISOString(),
  };
}

/** A notification of 20 HubSpot contact events, about 6 KiB as JSON. */
function notification(instanceId: number): EventNotification {
  const now = new Date();
  const events = Array.from({ length: 20 }, (_, i) => ({
    objectType: 'contacts',
    objectId: String(1000 + i),
    eventType: 'UPDATED' as const,
    elementKey: 'hubspot',
    hubKey: 'crm',
    date: now.toISOString(),
  }));
  return {
    id: randomUUID(),
    topic: `instance-${instanceId}-hubspot-events`,
    severity: 'medium',
    action: 'update',
    createdDate: formatJavaDate(now),
    user: 'notifications@connector-events',
    message: {
      elementKey: 'hubspot',
      eventId: randomUUID(),
      instanceId,
      instance_id: instanceId,
      instanceName: `bench ${instanceId}`,
      instanceTags: ['bench'],
      accountId: ORGANIZATION,
      companyId: ORGANIZATION,
      userId: 1,
      raw: { payload: events.map((e) => ({ objectId: Number(e.objectId), subscriptionType: 'contact.propertyChange', propertyName: 'email' })) },
      events,
    },
  } as EventNotification;
}

function notificationsFor(instances: readonly InstanceSnapshotMessage[], count: number): EventNotification[] {
  return Array.from({ length: count }, (_, i) => notification((instances[i % instances.length] as InstanceSnapshotMessage).instanceId));
}

function received(receivers: readonly BenchCallbackReceiver[], eventId: string): number | undefined {
  for (const receiver of receivers) {
    const at = receiver.receivedAt.get(eventId);
    if (at !== undefined) return at;
  }
  return undefined;
}

/** Publishes one notification every 1/rate seconds (each publish awaited) and returns publish-to-receipt latencies. */
async function paced(bus: MessageBus, receivers: readonly BenchCallbackReceiver[], list: readonly EventNotification[], rate: number) {
  const sentAt = new Map<string, number>();
  const start = performance.now();
  for (let i = 0; i < list.length; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const n = list[i] as EventNotification;
    sentAt.set(n.message.eventId, performance.now());
    bus.publish(TOPICS.notifications, [{ value: n }]).catch(() => undefined);
  }
  await waitUntil(() => list.every((n) => received(receivers, n.message.eventId) !== undefined), 600_000);
  return summarizeLatencies(list.map((n) => (received(receivers, n.message.eventId) ?? 0) - (sentAt.get(n.message.eventId) ?? 0)));
}

async function waitUntil(done: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`benchmark: gave up after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

main().catch((error: unknown) => {
  if (error instanceof BenchFlagsError) {
    process.stderr.write(`bench:notify: ${error.message}\n`);
  } else {
    process.stderr.write(`bench:notify failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n\nflags:\n${usage(FLAGS)}\n`);
  }
  process.exit(1);
});
