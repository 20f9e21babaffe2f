import 'reflect-metadata';
import { randomBytes, randomInt } from 'node:crypto';
import { createServer } from 'node:net';
import { DEFAULT_DATABASE_URL, DEFAULT_KAFKA_BROKERS } from '@connector-events/config';
import { ALL_TOPICS, InstanceSnapshotMessage, KafkaMessageBus, SEALED_TOKEN_KEYS, TOPICS } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { BenchFlagsError, NumberFlag, parseNumberFlags, usage } from './lib/bench-flags';
import { formatSection } from './lib/bench-report';
import { PollerFigures, lagQuantile, readPollerFigures, startPollerProcess } from './lib/poller-process';
import { SearchProviderStub } from './lib/search-provider-stub';

const FLAGS = {
  instances: { name: 'instances', defaultValue: 2_000, min: 1, description: 'HubSpot instances polled every minute (each its own portal)' },
  minutes: { name: 'minutes', defaultValue: 2, min: 1, description: 'minutes measured, after one minute of warm-up' },
  changes: { name: 'changes', defaultValue: 10, min: 0, description: 'percent of the instances with a new contact each minute' },
  concurrency: { name: 'concurrency', defaultValue: 32, min: 1, description: 'POLLER_CONCURRENCY_PER_PROVIDER' },
  minuteMs: { name: 'minute-ms', defaultValue: 60_000, min: 1_000, description: 'POLLER_MINUTE_MS: the length of a minute (shorter runs scale the load up)' },
} satisfies Record<string, NumberFlag>;

/**
 * `npm run bench:poll [-- --instances N --minutes M --changes P --concurrency C --minute-ms L]`:
 * the built poller as its own process, over the real Kafka and PostgreSQL, polling N HubSpot
 * instances on a one-minute schedule against a CRM search stand-in in this process. Reports
 * whether it kept the schedule (every instance polled once a minute, how late after its slot),
 * and the poller process's CPU and memory from its own /metrics.
 */
async function main(): Promise<void> {
  const flags = parseNumberFlags(process.argv.slice(2), FLAGS);
  const brokers = (process.env['KAFKA_BROKERS'] || DEFAULT_KAFKA_BROKERS).split(',');
  const secretsKey = randomBytes(32);
  const tag = `bench-poll-${randomBytes(4).toString('hex')}`;
  const provider = new SearchProviderStub();
  await provider.start();
  const bus = new KafkaMessageBus({ brokers, clientId: `${tag}-seeder`, topicPartitions: 6, onFatal: (error) => { throw error; } });
  await bus.start(ALL_TOPICS);
  const instances = seedSnapshots(flags.instances, tag, new SecretBox(secretsKey));
  const poller = await startPollerProcess({
    KAFKA_BROKERS: brokers.join(','),
    DATABASE_URL: process.env['DATABASE_URL'] || DEFAULT_DATABASE_URL,
    SECRETS_KEY: secretsKey.toString('base64'),
    PORT: String(await freePort()),
    // The topic holds other runs' instances, sealed with other keys: each would log an error.
    LOG_LEVEL: 'fatal',
    POLLER_INSTANCE_TAG: tag,
    POLLER_MINUTE_MS: String(flags.minuteMs),
    POLLER_CONCURRENCY_PER_PROVIDER: String(flags.concurrency),
    PROVIDER_BASE_URL_HUBSPOT: provider.baseUrl,
  });
  const changer = setInterval(() => {
    for (const { portal } of instances) if (randomInt(100) < flags.changes) provider.addContact(portal);
  }, flags.minuteMs);
  try {
    for (let i = 0; i < instances.length; i += 500) {
      await bus.publish(TOPICS.instances, instances.slice(i, i + 500).map(({ snapshot }) => ({ value: snapshot })));
    }
    await sleep(flags.minuteMs);
    const before = await readPollerFigures(poller.url);
    const callsBefore = new Map(provider.calls);
    const started = Date.now();
    await sleep(flags.minutes * flags.minuteMs);
    const after = await readPollerFigures(poller.url);
    const seconds = (Date.now() - started) / 1000;
    const perInstance = instances.map(({ portal }) => (provider.calls.get(portal) ?? 0) - (callsBefore.get(portal) ?? 0));
    report(flags, seconds, before, after, perInstance);
  } finally {
    clearInterval(changer);
    await poller.stop();
    await bus.publish(TOPICS.instances, instances.map(({ snapshot }) => ({ key: String(snapshot.instanceId), value: null })));
    await bus.close();
    await provider.close();
  }
}

function report(flags: Record<keyof typeof FLAGS, number>, seconds: number, before: PollerFigures, after: PollerFigures, perInstance: number[]): void {
  const minutes = (seconds * 1000) / flags.minuteMs;
  const polls = after.polls - before.polls;
  // A window of whole minutes holds that many slots of every instance; one may fall just outside at either edge.
  const missed = perInstance.filter((calls) => calls < Math.floor(minutes) - 1).length;
  const needed = (flags.instances * seconds * 1000) / flags.minuteMs;
  const cpu = after.cpuSeconds - before.cpuSeconds;
  const lagMean = after.lagCount > before.lagCount ? (after.lagSum - before.lagSum) / (after.lagCount - before.lagCount) : 0;
  const kept = missed === 0 && polls >= needed * 0.98 && lagQuantile(before, after, 0.99) <= (flags.minuteMs / 1000) * 0.1;
  process.stdout.write(
    formatSection(`poller: ${flags.instances} HubSpot instances every minute (minute = ${flags.minuteMs / 1000} s), one process, concurrency ${flags.concurrency}`, [
      ['measured', `${seconds.toFixed(0)} s = ${minutes.toFixed(2)} minutes, after one minute of warm-up`],
      ['polls', `${polls} = ${((polls / seconds) * 60).toFixed(0)} /real minute (needed ${((flags.instances / flags.minuteMs) * 60_000).toFixed(0)})`],
      ['per instance', `min ${Math.min(...perInstance)}, max ${Math.max(...perInstance)} polls; ${missed} instances polled fewer than ${Math.floor(minutes) - 1} times`],
      ['records published', `${after.records - before.records} (${flags.changes} % of the instances change each minute)`],
      ['lag behind slot', `mean ${(lagMean * 1000).toFixed(0)} ms, p50 ≤ ${lagQuantile(before, after, 0.5)} s, p99 ≤ ${lagQuantile(before, after, 0.99)} s`],
      ['poller CPU', `${cpu.toFixed(1)} s = ${((cpu / seconds) * 100).toFixed(0)} % of one core`],
      ['poller memory', `${(after.residentBytes / 1024 / 1024).toFixed(0)} MiB resident`],
      ['kept the schedule', `${kept ? 'yes' : 'NO'} (every instance polled, ≥ 98 % of the polls due, p99 lag ≤ a tenth of the minute)`],
    ]),
  );
}

interface SeededInstance {
  readonly portal: number;
  readonly snapshot: InstanceSnapshotMessage;
}

/** Instances as instance-service would publish them, polling HubSpot contacts every minute, tagged for this run only. */
function seedSnapshots(count: number, tag: string, box: SecretBox): SeededInstance[] {
  return Array.from({ length: count }, (_, i) => {
    const id = randomInt(2_000_000_000, 2 ** 31 - 1);
    const portal = 500_000_000 + i;
    return {
      portal,
      snapshot: {
        instanceId: id,
        version: 1,
        organizationId: 1,
        userId: 1,
        elementKey: 'hubspot',
        name: `bench poll ${i}`,
        tags: [tag],
        eventsEnabled: true,
        providerData: { hub_id: String(portal) },
        configuration: {
          'event.notification.enabled': 'true',
          'event.vendor.type': 'polling',
          'event.poller.refresh_interval': '1',
          'event.objects': 'contacts',
          'oauth.api.key': 'bench-app',
        },
        sealedSecrets: box.sealRecord({ 'oauth.api.secret': 'bench-secret', [SEALED_TOKEN_KEYS.accessToken]: `bench-${portal}` }, `instance:${id}`),
        updatedDate: new Date().toISOString(),
      },
    };
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

main().catch((error: unknown) => {
  if (error instanceof BenchFlagsError) {
    process.stderr.write(`bench:poll: ${error.message}\n`);
  } else {
    process.stderr.write(`bench:poll failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n\nflags:\n${usage(FLAGS)}\n`);
  }
  process.exit(1);
});
