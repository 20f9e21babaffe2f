import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_DATABASE_URL, DEFAULT_KAFKA_BROKERS } from '@connector-events/config';
import {
  CONNECTOR_SCENARIOS,
  EventObjectTally,
  REPO_ROOT,
  RunningSystem,
  SteadyWebhookStream,
  StreamPortal,
  startSystem,
  waitFor,
} from '@connector-events/testing';
import { BenchFlagsError, NumberFlag, parseNumberFlags, usage } from './lib/bench-flags';
import { formatSection, httpLoadRows } from './lib/bench-report';
import { runHttpLoad } from './lib/http-load';
import { prepareHubSpotBatchCalls } from './lib/hubspot-batch-calls';
import { summarizeLatencies } from './lib/latency-summary';
import { machineInfo } from './lib/machine-info';
import { MemorySampler } from './lib/process-memory';

const FLAGS = {
  instances: { name: 'instances', defaultValue: 10, min: 1, description: 'HubSpot instances, provisioned through the API, the calls go round' },
  eventsPerCall: { name: 'events-per-call', defaultValue: 10, min: 1, description: 'contact.creation events in each HubSpot call' },
  rate: { name: 'rate', defaultValue: 10, min: 1, description: 'fixed offered load for the latency stage, in HubSpot calls per second' },
  duration: { name: 'duration', defaultValue: 30, min: 1, description: 'seconds the fixed load runs' },
  burstCalls: { name: 'burst-calls', defaultValue: 2_000, min: 1, description: 'calls sent as fast as they are accepted, for throughput' },
  concurrency: { name: 'concurrency', defaultValue: 32, min: 1, description: 'calls in flight at once during the burst' },
  warmup: { name: 'warmup', defaultValue: 200, min: 0, description: 'untimed calls first, delivered before timing starts' },
} satisfies Record<string, NumberFlag>;

const DRAIN_TIMEOUT_MS = 15 * 60_000;
const MiB = 1024 * 1024;

/**
 * `npm run bench [-- --rate 20 --duration 30 --burst-calls 5000 …]`: the whole pipeline on this
 * machine — the five services as their own processes over the real Kafka broker and PostgreSQL
 * (`npm run infra:up`), HubSpot instances provisioned through the instances API, signed HubSpot
 * webhook calls in, a callback receiver out. Measures (1) provider-to-callback latency of each
 * event object at a fixed offered load, (2) webhook calls per second webhook-ingest accepts and
 * event objects per second reaching the callback under a burst, (3) each service's memory.
 * Prints a table and writes `bench-results/<timestamp>.json` so that runs can be compared.
 */
async function main(): Promise<void> {
  const flags = parseNumberFlags(process.argv.slice(2), FLAGS);
  Logger.overrideLogger(['error']);
  const databaseUrl = process.env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL;
  const machine = await machineInfo(REPO_ROOT, databaseUrl);
  progress(`starting the five services over Kafka ${process.env['KAFKA_BROKERS'] ?? DEFAULT_KAFKA_BROKERS} and PostgreSQL …`);
  const system = await startSystem({ mode: 'distributed', env: { LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn' } });
  stopOnSignal(system);
  const memory = new MemorySampler(() => new Map(system.processNames.map((name) => [name, system.service(name).process?.child.pid])));
  const tally = new EventObjectTally().attach(system.callbacks);
  try {
    memory.start();
    const portals = await provisionInstances(system, flags.instances);
    const clientSecret = system.fakes.apps.hubspot.clientSecret;

    const warmupKeys: string[] = [];
    if (flags.warmup > 0) {
      progress(`warm-up: ${flags.warmup} calls …`);
      const warm = prepareHubSpotBatchCalls(flags.warmup, flags.eventsPerCall, portals, clientSecret, system.publicBaseUrl);
      await acceptAll(system, warm.calls, Math.min(flags.concurrency, 8));
      await delivered(tally, warm.eventKeys, 'the warm-up');
      warmupKeys.push(...warm.eventKeys);
    }

    progress(`fixed load: ${flags.rate} calls/s × ${flags.eventsPerCall} events for ${flags.duration} s …`);
    const stream = new SteadyWebhookStream({
      url: `${system.publicBaseUrl}/elements/api-v2/events/hubspot`,
      clientSecret,
      portals,
      callsPerSecond: flags.rate,
      eventsPerCall: flags.eventsPerCall,
    }).start();
    await sleep(flags.duration * 1000);
    const streamed = await stream.stop();
    const paced = [...stream.accepted.values()];
    await delivered(
      tally,
      paced.map((e) => e.key),
      'the fixed load',
    );
    const endToEnd = summarizeLatencies(paced.map((e) => (tally.firstDeliveredAt.get(e.key) ?? NaN) - e.firstTriedAt));
    const acceptance = summarizeLatencies(paced.map((e) => e.acceptedAt - e.firstTriedAt));

    progress(`burst: ${flags.burstCalls} calls × ${flags.eventsPerCall} events, ${flags.concurrency} at once …`);
    const burst = prepareHubSpotBatchCalls(flags.burstCalls, flags.eventsPerCall, portals, clientSecret, system.publicBaseUrl);
    const notificationsBefore = system.callbacks.notifications().length;
    const burstStarted = performance.now();
    const load = await runHttpLoad(system.publicBaseUrl, burst.calls, flags.concurrency);
    await delivered(tally, burst.eventKeys, 'the burst');
    const lastDelivery = Math.max(...burst.eventKeys.map((key) => tally.firstDeliveredAt.get(key) ?? 0));
    const drainSeconds = (lastDelivery - burstStarted) / 1000;
    const burstNotifications = system.callbacks.notifications().length - notificationsBefore;
    memory.stop();

    const counts = tally.countsFor([...warmupKeys, ...paced.map((e) => e.key), ...burst.eventKeys]);
    const result = {
      benchmark: 'pipeline',
      takenAt: new Date().toISOString(),
      machine,
      loadAverageAtEnd: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
      flags,
      fixedLoad: {
        offeredCallsPerSecond: flags.rate,
        offeredEventsPerSecond: flags.rate * flags.eventsPerCall,
        seconds: flags.duration,
        calls: streamed.calls,
        refusedTries: streamed.refusedTries,
        lateStarts: streamed.lateStarts,
        eventObjects: paced.length,
        providerToCallbackMs: endToEnd,
        providerCallAcceptedMs: acceptance,
      },
      burst: {
        calls: load.requests,
        eventObjects: burst.eventKeys.length,
        ingest: {
          acceptedCallsPerSecond: (load.ok / load.durationMs) * 1000,
          acceptedEventsPerSecond: ((load.ok * flags.eventsPerCall) / load.durationMs) * 1000,
          seconds: load.durationMs / 1000,
          latencyMs: load.latency,
          errors: load.errors,
        },
        endToEnd: {
          seconds: drainSeconds,
          eventObjectsPerSecond: burst.eventKeys.length / drainSeconds,
          notifications: burstNotifications,
          notificationsPerSecond: burstNotifications / drainSeconds,
        },
      },
      delivery: counts,
      memoryMiB: Object.fromEntries(
        system.processNames.map((name) => [name, { peak: round((memory.peak.get(name) ?? 0) / MiB), end: round((memory.last.get(name) ?? 0) / MiB) }]),
      ),
    };
    const file = writeResults(result);
    process.stdout.write(report(result, load, file));
    if (counts.missing > 0) throw new Error(`${counts.missing} event objects never reached the callback`);
  } finally {
    memory.stop();
    tally.close();
    await system.stop();
  }
}

/** HubSpot instances through `POST /instances`, as an Open Connectors user makes them, each with its own callback URL. */
async function provisionInstances(system: RunningSystem, count: number): Promise<StreamPortal[]> {
  progress(`provisioning ${count} HubSpot instances through the instances API …`);
  const portals: StreamPortal[] = [];
  for (let i = 0; i < count; i++) {
    const signatureKey = `bench-key-${i}`;
    const instance = await system.client.provision(
      'hubspot',
      CONNECTOR_SCENARIOS.hubspot.provisionRequest({ name: `bench ${i}`, callbackUrl: system.callbacks.callbackUrl(`bench-${i}`, signatureKey), signatureKey }),
    );
    portals.push({ instanceId: instance.id, portalId: instance.account.portalId ?? 0 });
  }
  return portals;
}

/** Sends calls until each is accepted: right after provisioning, webhook-ingest may not know an instance yet (404). */
async function acceptAll(system: RunningSystem, calls: Parameters<typeof runHttpLoad>[1], concurrency: number): Promise<void> {
  let pending = [...calls];
  const deadline = Date.now() + 120_000;
  while (pending.length > 0) {
    if (Date.now() > deadline) throw new Error(`${pending.length} warm-up calls were never accepted`);
    const refused: typeof pending = [];
    await Promise.all(
      Array.from({ length: concurrency }, async (_, worker) => {
        for (let i = worker; i < pending.length; i += concurrency) {
          const call = pending[i];
          if (!call) continue;
          const answer = await fetch(`${system.publicBaseUrl}${call.path}`, { method: 'POST', headers: call.headers, body: call.body }).catch(() => undefined);
          await answer?.arrayBuffer();
          if (!answer || answer.status >= 300) refused.push(call);
        }
      }),
    );
    pending = refused;
    if (pending.length > 0) await sleep(500);
  }
}

async function delivered(tally: EventObjectTally, keys: readonly string[], what: string): Promise<void> {
  let lastReport = Date.now();
  await waitFor(
    () => {
      const missing = tally.countsFor(keys).missing;
      if (Date.now() - lastReport > 10_000) {
        progress(`  ${keys.length - missing} of ${keys.length} event objects of ${what} at the callback …`);
        lastReport = Date.now();
      }
      return missing === 0 ? true : undefined;
    },
    { timeoutMs: DRAIN_TIMEOUT_MS, intervalMs: 100, what: `every event object of ${what} at the callback` },
  );
}

type Result = Record<string, unknown> & {
  machine: Awaited<ReturnType<typeof machineInfo>>;
  fixedLoad: {
    offeredCallsPerSecond: number;
    offeredEventsPerSecond: number;
    seconds: number;
    eventObjects: number;
    refusedTries: Readonly<Record<string, number>>;
    providerToCallbackMs: ReturnType<typeof summarizeLatencies>;
    providerCallAcceptedMs: ReturnType<typeof summarizeLatencies>;
  };
  burst: {
    calls: number;
    eventObjects: number;
    ingest: { acceptedCallsPerSecond: number; acceptedEventsPerSecond: number };
    endToEnd: { seconds: number; eventObjectsPerSecond: number; notifications: number; notificationsPerSecond: number };
  };
  delivery: ReturnType<EventObjectTally['countsFor']>;
  memoryMiB: Record<string, { peak: number; end: number }>;
};

function report(result: Result, load: Awaited<ReturnType<typeof runHttpLoad>>, file: string): string {
  const { machine, fixedLoad, burst, delivery } = result;
  const ms = (value: number): string => `${value.toFixed(1)} ms`;
  const refused = Object.entries(fixedLoad.refusedTries);
  return [
    formatSection('machine', [
      ['cpu', `${machine.cpus} × ${machine.cpuModel}`],
      ['memory', `${machine.memoryGiB} GiB`],
      ['load average', `${machine.loadAverageAtStart} at the start, ${os.loadavg()[0]?.toFixed(2)} at the end (1 min)`],
      ['software', `${machine.os}, Node ${machine.node}, Kafka ${machine.kafka}, PostgreSQL ${machine.postgres}, commit ${machine.gitCommit}`],
    ]),
    formatSection(
      `latency, provider call → callback receipt, at a fixed ${fixedLoad.offeredCallsPerSecond} calls/s (${fixedLoad.offeredEventsPerSecond} event objects/s) for ${fixedLoad.seconds} s`,
      [
        ['event objects', String(fixedLoad.eventObjects)],
        ['p50', ms(fixedLoad.providerToCallbackMs.p50)],
        ['p90', ms(fixedLoad.providerToCallbackMs.p90)],
        ['p99', ms(fixedLoad.providerToCallbackMs.p99)],
        ['max', ms(fixedLoad.providerToCallbackMs.max)],
        ['provider call answered p50 / p99', `${ms(fixedLoad.providerCallAcceptedMs.p50)} / ${ms(fixedLoad.providerCallAcceptedMs.p99)}`],
        ['refused tries', refused.length === 0 ? '0' : refused.map(([status, n]) => `${n} × ${status}`).join(', ')],
      ],
    ),
    formatSection(`webhook-ingest: ${burst.calls} signed HubSpot calls as fast as accepted`, [
      ...httpLoadRows(load),
      ['event objects accepted', `${burst.ingest.acceptedEventsPerSecond.toFixed(0)} /s`],
    ]),
    formatSection(`end to end: the burst's ${burst.eventObjects} event objects from the first call to the last at the callback`, [
      ['duration', `${burst.endToEnd.seconds.toFixed(2)} s`],
      ['event objects', `${burst.endToEnd.eventObjectsPerSecond.toFixed(0)} /s`],
      ['notifications', `${burst.endToEnd.notifications} = ${burst.endToEnd.notificationsPerSecond.toFixed(0)} /s`],
    ]),
    formatSection('delivery (every event object sent, warm-up included; dedup on message.eventId)', [
      ['sent / delivered / missing', `${delivery.sent} / ${delivery.delivered} / ${delivery.missing}`],
      ['duplicate notifications', String(delivery.duplicateNotifications)],
      ['repeated after dedup / unexpected', `${delivery.repeatedAfterDedup} / ${delivery.unexpected}`],
    ]),
    formatSection(
      'memory (RSS) of each service, peak during the run / at the end',
      Object.entries(result.memoryMiB).map(([name, { peak, end }]) => [name, `${peak.toFixed(0)} MiB / ${end.toFixed(0)} MiB`] as [string, string]),
    ),
    `results written to ${path.relative(process.cwd(), file)}\n`,
  ].join('\n');
}

/** Ctrl-C (or SIGTERM) stops the services this run started before exiting, rather than orphaning them. */
function stopOnSignal(system: RunningSystem): void {
  const stop = (): void => {
    progress('stopping the services …');
    void system.stop().finally(() => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function writeResults(result: Record<string, unknown>): string {
  const dir = path.join(REPO_ROOT, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    if (error instanceof BenchFlagsError) {
      process.stderr.write(`bench: ${error.message}\n`);
    } else {
      process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n\nflags:\n${usage(FLAGS)}\n`);
    }
    process.exit(1);
  },
);
