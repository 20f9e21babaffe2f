import 'reflect-metadata';
import { MESSAGE_BUS, MessageBus, TOPICS } from '@connector-events/messaging';
import { BenchFlagsError, NumberFlag, parseNumberFlags, usage } from './lib/bench-flags';
import { formatSection, httpLoadRows } from './lib/bench-report';
import { removeBenchInstances, seedHubSpotInstances } from './lib/hubspot-bench-instances';
import { prepareHubSpotCalls } from './lib/hubspot-webhook-calls';
import { runHttpLoad } from './lib/http-load';
import { BENCH_PUBLIC_BASE_URL, startIngestUnderTest } from './lib/ingest-under-test';
import { measureNormalizer } from './lib/normalizer-throughput';
import { topicSize } from './lib/topic-growth';

const FLAGS = {
  requests: { name: 'requests', defaultValue: 20_000, min: 1, description: 'signed HubSpot webhook calls to time' },
  concurrency: { name: 'concurrency', defaultValue: 64, min: 1, description: 'calls in flight at once (keep-alive connections)' },
  instances: { name: 'instances', defaultValue: 100, min: 1, description: 'HubSpot instances (portals) the calls are spread over' },
  warmup: { name: 'warmup', defaultValue: 2_000, min: 0, description: 'untimed calls first (JIT, connections, Kafka producer)' },
  normalizerRawEvents: { name: 'normalizer-raw-events', defaultValue: 300, min: 1, description: 'raw events per batch size for the normalizer stage' },
} satisfies Record<string, NumberFlag>;

/**
 * `npm run bench:ingest [-- --requests N --concurrency C --instances I --warmup W]`:
 * webhook-ingest in this process over the real Kafka broker, driven with signed HubSpot
 * webhook calls (throughput and latency), then the normalizer's raw-to-notification
 * throughput for HubSpot batches of 1, 20 and 100 events. Each stage is a function in `lib/`.
 */
async function main(): Promise<void> {
  const flags = parseNumberFlags(process.argv.slice(2), FLAGS);
  const ingest = await startIngestUnderTest();
  const bus = ingest.app.get<MessageBus>(MESSAGE_BUS);
  try {
    const { clientSecret, instances } = await seedHubSpotInstances(ingest.app, ingest.config, flags.instances);
    const calls = prepareHubSpotCalls(flags.warmup + flags.requests, instances, clientSecret, BENCH_PUBLIC_BASE_URL);
    if (flags.warmup > 0) await runHttpLoad(ingest.origin, calls.slice(0, flags.warmup), flags.concurrency);

    const rawBefore = await topicSize(bus, TOPICS.rawEvents);
    const result = await runHttpLoad(ingest.origin, calls.slice(flags.warmup), flags.concurrency);
    const rawAdded = (await topicSize(bus, TOPICS.rawEvents)) - rawBefore;

    process.stdout.write(
      formatSection(`webhook-ingest: signed HubSpot calls → ${TOPICS.rawEvents.name} (Kafka ${ingest.config.kafka.brokers.join(',')})`, [
        ['instances', String(instances.length)],
        ['warm-up', `${flags.warmup} calls`],
        ...httpLoadRows(result),
        ['raw events', `${rawAdded} added to the topic by every writer (${result.ok} calls answered 2xx)`],
      ]),
    );
    await removeBenchInstances(ingest.app, instances);
  } finally {
    await ingest.app.close();
  }
  for (const batchSize of [1, 20, 100]) {
    const run = await measureNormalizer(batchSize, flags.normalizerRawEvents);
    process.stdout.write(
      formatSection(`normalizer: HubSpot raw events of ${batchSize} → notifications (in process, messages validated and serialized)`, [
        ['raw events', `${run.rawEvents} in ${run.seconds.toFixed(2)} s = ${(run.rawEvents / run.seconds).toFixed(0)} /s`],
        ['notifications', `${run.notifications} = ${(run.notifications / run.seconds).toFixed(0)} /s`],
        ['event objects', `${run.events} = ${(run.events / run.seconds).toFixed(0)} /s`],
      ]),
    );
  }
}

main().catch((error: unknown) => {
  if (error instanceof BenchFlagsError) {
    process.stderr.write(`bench:ingest: ${error.message}\n`);
  } else {
    process.stderr.write(`bench:ingest failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n\nflags:\n${usage(FLAGS)}\n`);
  }
  process.exit(1);
});
