import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SERVICE_NAMES, ServiceName } from '@connector-events/config';
import { CONNECTOR_SCENARIOS, EventObjectTally, REPO_ROOT, RunningSystem, SteadyWebhookStream, DeliveryCounts, startSystem } from '@connector-events/testing';
import { buildApps } from '../support/build-once';
import { FaultRun } from './support/fault-run';
import { crashAndRestartKafka, ensureInfrastructureUp, restartPostgres } from './support/infrastructure-faults';

const INSTANCES = 3;
const CALLS_PER_SECOND = 10;
const EVENTS_PER_CALL = 4;
/** How long a killed service or a stopped server stays down while the stream goes on. */
const DOWN_MS = 4_000;
const CALLBACK_DOWN_MS = 12_000;
/**
 * A killed consumer's partitions (and its restarted self's group join) wait for its Kafka session
 * to expire: shortened from 30 s, so that five kills do not cost minutes. The notifier's claimed
 * deliveries come back when their lease ends (callback timeout + 30 s).
 */
const SESSION_TIMEOUT_MS = 8_000;
const CATCH_UP_MS = 150_000;
const PHASE_TIMEOUT_MS = 240_000;

/**
 * The whole pipeline under faults: the five services as their own processes over the real Kafka
 * broker and PostgreSQL, a steady stream of signed HubSpot webhook calls (each retried until
 * accepted, as HubSpot does) for instances provisioned through the instances API, delivered to
 * a callback receiver. While the stream runs, each service in turn is killed with SIGKILL and
 * started again, the broker is crashed and restarted, PostgreSQL is stopped and started, and the
 * callback is down for a while. After each fault every event object accepted so far must reach
 * the callback (duplicates allowed; after dedup on `message.eventId` each exactly once), and at
 * the end nothing is lost. Runs alone (isolated project): it restarts the servers other tests use.
 */
describe('the pipeline under faults, with a steady stream of provider webhooks', () => {
  let system: RunningSystem | undefined;
  let stream: SteadyWebhookStream | undefined;
  let run: FaultRun | undefined;
  let total: DeliveryCounts | undefined;
  const tally = new EventObjectTally();

  beforeAll(async () => {
    buildApps();
    system = await startSystem({ mode: 'distributed', env: { KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS) } });
    tally.attach(system.callbacks);
    const hubspot = CONNECTOR_SCENARIOS.hubspot;
    const portals = [];
    for (let i = 0; i < INSTANCES; i++) {
      const signatureKey = `faults-key-${i}`;
      const instance = await system.client.provision(
        'hubspot',
        hubspot.provisionRequest({ name: `faults ${i}`, callbackUrl: system.callbacks.callbackUrl(`faults-${i}`, signatureKey), signatureKey }),
      );
      portals.push({ instanceId: instance.id, portalId: instance.account.portalId ?? 0 });
    }
    stream = new SteadyWebhookStream({
      url: `${system.publicBaseUrl}/elements/api-v2/events/hubspot`,
      clientSecret: system.fakes.apps.hubspot.clientSecret,
      portals,
      callsPerSecond: CALLS_PER_SECOND,
      eventsPerCall: EVENTS_PER_CALL,
    }).start();
    run = new FaultRun(stream, tally);
  }, 180_000);

  afterAll(async () => {
    // The servers first: a failed restart must not leave the next suite without them.
    await ensureInfrastructureUp();
    await stream?.stop(30_000);
    tally.close();
    if (run) process.stdout.write(run.report(total));
    if (system) saveOutputs(system);
    await system?.stop();
  }, 180_000);

  function live(): { system: RunningSystem; run: FaultRun } {
    if (!system || !run) throw new Error('the system did not start');
    return { system, run };
  }

  it('delivers every event object of the steady stream before any fault', async () => {
    const started = Date.now();
    await sleep(5_000);
    const counts = await live().run.checkpoint('none (steady stream)', started, CATCH_UP_MS);
    expect(counts.sent).toBeGreaterThan(0);
    expect(counts.repeatedAfterDedup).toBe(0);
  });

  it.each(SERVICE_NAMES.map((name) => [name]))(
    'kill -9 %s during the stream and start it again: every event object sent so far reaches the callback',
    async (name: ServiceName) => {
      const { system, run } = live();
      const started = Date.now();
      expect(await system.kill(name, 'SIGKILL')).toBeNull();
      await sleep(DOWN_MS);
      const restarting = Date.now();
      await system.restart(name);
      const back = (Date.now() - restarting) / 1000;
      await sleep(2_000);
      const counts = await run.checkpoint(`kill -9 ${name} (ready ${back.toFixed(1)} s after start)`, started, CATCH_UP_MS);
      expect(counts.sent).toBeGreaterThan(0);
      expect(counts.repeatedAfterDedup).toBe(0);
    },
    PHASE_TIMEOUT_MS,
  );

  it(
    'Kafka broker crashed (kill -9) and restarted during the stream: every event object sent so far reaches the callback',
    async () => {
      const { run } = live();
      const started = Date.now();
      const steps = await crashAndRestartKafka(DOWN_MS);
      await run.streamFlowing(CATCH_UP_MS);
      const counts = await run.checkpoint(`Kafka broker kill -9, start (${steps[1]?.seconds.toFixed(1)} s)`, started, CATCH_UP_MS);
      expect(counts.sent).toBeGreaterThan(0);
      expect(counts.repeatedAfterDedup).toBe(0);
    },
    PHASE_TIMEOUT_MS,
  );

  it(
    'PostgreSQL stopped and started during the stream: every event object sent so far reaches the callback',
    async () => {
      const { run } = live();
      const started = Date.now();
      const steps = await restartPostgres(DOWN_MS);
      await run.streamFlowing(CATCH_UP_MS);
      const counts = await run.checkpoint(`PostgreSQL stop, start (${steps[1]?.seconds.toFixed(1)} s)`, started, CATCH_UP_MS);
      expect(counts.sent).toBeGreaterThan(0);
      expect(counts.repeatedAfterDedup).toBe(0);
    },
    PHASE_TIMEOUT_MS,
  );

  it(
    'callback down for a while during the stream: the notifier retries and every event object reaches it',
    async () => {
      const { system, run } = live();
      const started = Date.now();
      await system.callbacks.down();
      await sleep(CALLBACK_DOWN_MS);
      await system.callbacks.up();
      const counts = await run.checkpoint(`callback down ${CALLBACK_DOWN_MS / 1000} s`, started, CATCH_UP_MS);
      expect(counts.sent).toBeGreaterThan(0);
      expect(counts.repeatedAfterDedup).toBe(0);
    },
    PHASE_TIMEOUT_MS,
  );

  it(
    'after every fault, nothing is lost: each event object sent arrives, exactly once after dedup on message.eventId',
    async () => {
      const { run } = live();
      const started = Date.now();
      const streamed = await (stream as SteadyWebhookStream).stop();
      expect(streamed.inFlight).toBe(0);
      await run.checkpoint('end of the stream', started, CATCH_UP_MS);
      total = tally.countsFor((stream as SteadyWebhookStream).accepted.keys());
      expect(total.sent).toBe(streamed.acceptedCalls * EVENTS_PER_CALL);
      expect(total).toEqual(
        expect.objectContaining({ delivered: total.sent, missing: 0, repeatedAfterDedup: 0, unexpected: 0 }),
      );
      // Every signature checked out with the instance's key.
      const badlySigned = live().system.callbacks.deliveries.filter((d) => d.status < 300 && d.signature !== 'valid');
      expect(badlySigned.map((d) => `${d.sequence} ${d.path}: ${d.signature}`)).toEqual([]);
    },
    PHASE_TIMEOUT_MS,
  );
});

/** What each service printed (warnings and errors: its current run), kept for a look after a CI run. */
function saveOutputs(system: RunningSystem): void {
  const dir = path.join(REPO_ROOT, 'test-results', 'faults');
  mkdirSync(dir, { recursive: true });
  for (const name of system.processNames) writeFileSync(path.join(dir, `${name}.log`), system.service(name).output());
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
