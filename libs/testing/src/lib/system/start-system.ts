import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_KAFKA_BROKERS, SERVICE_NAMES, ServiceName } from '@connector-events/config';
import { TOPICS } from '@connector-events/messaging';
import { freePort } from '../free-port';
import { REPO_ROOT, ServiceProcess, startApp } from '../service-process';
import { testEnvironment } from '../test-environment';
import { uniqueName } from '../unique-name';
import { CallbackReceiver } from './callback-receiver';
import { prepareKafka } from './kafka-preparation';
import { OpenConnectorsClient } from './open-connectors-client';
import { ProviderFakes } from './provider-fakes';

export type SystemMode = 'distributed' | 'embedded';
/** A process of the system: one of the five services, or `embedded` (all five in one). */
export type SystemProcessName = ServiceName | 'embedded';

export interface StartSystemOptions {
  readonly mode: SystemMode;
  /** Added to (and overriding) every process's environment, e.g. `NOTIFIER_RETRY_SCHEDULE_SECONDS`. */
  readonly env?: Record<string, string>;
  /** Per-process additions, applied after `env`. */
  readonly serviceEnv?: Partial<Record<SystemProcessName, Record<string, string>>>;
  /** Fakes to use (started here if not yet); new ones otherwise. */
  readonly fakes?: ProviderFakes;
  /** How long each process may take to answer /health/ready. Default 90 s. */
  readonly readyTimeoutMs?: number;
}

/**
 * The time scale the harness runs at: a poller "minute" of one second (so
 * `event.poller.refresh_interval` 1 polls every second) and a short retry schedule (about two
 * minutes in all) instead of Open Connectors' 8 s … 9 h.
 */
export const SYSTEM_DEFAULT_ENV: Readonly<Record<string, string>> = {
  POLLER_MINUTE_MS: '1000',
  NOTIFIER_RETRY_SCHEDULE_SECONDS: '0.5,1,2,4,8,15,30,30,30',
  NOTIFIER_RETRY_JITTER: '0',
  NOTIFIER_CALLBACK_TIMEOUT_MS: '5000',
  CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
  DATABASE_POOL_SIZE: '4',
};

const STOP_GRACE_MS = 15_000;

/** One running process of the system, with what it was started with. */
export interface SystemProcess {
  readonly name: SystemProcessName;
  readonly port: number;
  readonly url: string;
  readonly env: Readonly<Record<string, string>>;
  /** The live process, or undefined while it is killed. */
  readonly process: ServiceProcess | undefined;
  /** Everything the current process printed. */
  output(): string;
}

/**
 * The whole system, started for a test, a benchmark or the demo: the five services as separate
 * processes over the real Kafka and PostgreSQL (`distributed`) or `apps/embedded` as one
 * process over the in-process bus and PGlite (`embedded`), the provider fakes wired in with
 * `PROVIDER_BASE_URL_*`, a callback receiver, and a client of the instances API. The built
 * `dist/` is run: build first (`node scripts/build.mjs`; tests use `buildApps()`).
 */
export class RunningSystem {
  private constructor(
    readonly mode: SystemMode,
    /** Unique per start; also the tag every instance of the client carries. */
    readonly runId: string,
    readonly fakes: ProviderFakes,
    readonly callbacks: CallbackReceiver,
    readonly client: OpenConnectorsClient,
    /** `http://127.0.0.1:<port>`: where providers call (webhook-ingest, or the embedded process). */
    readonly publicBaseUrl: string,
    /** `http://127.0.0.1:<port>`: instance-service (or the embedded process). */
    readonly instanceServiceUrl: string,
    private readonly processes: Map<SystemProcessName, MutableProcess>,
    private readonly ownsFakes: boolean,
    private readonly dataDir: string | undefined,
    private readonly readyTimeoutMs: number,
  ) {}

  /** Starts everything and waits until every process answers /health/ready. */
  static async start(options: StartSystemOptions): Promise<RunningSystem> {
    const fakes = options.fakes ?? new ProviderFakes();
    const ownsFakes = options.fakes === undefined;
    const callbacks = new CallbackReceiver();
    const processes = new Map<SystemProcessName, MutableProcess>();
    const readyTimeoutMs = options.readyTimeoutMs ?? 90_000;
    const runId = uniqueName('e2e');
    let dataDir: string | undefined;
    try {
      await Promise.all([fakes.start(), callbacks.start()]);
      const secrets = { BOOTSTRAP_ORGANIZATION_SECRET: randomBytes(24).toString('base64url'), BOOTSTRAP_USER_SECRET: randomBytes(24).toString('base64url') };
      const common = { ...SYSTEM_DEFAULT_ENV, ...fakes.baseUrlEnv() };
      if (options.mode === 'embedded') {
        dataDir = mkdtempSync(path.join(tmpdir(), 'connector-events-system-'));
        const port = await freePort();
        const url = `http://127.0.0.1:${port}`;
        processes.set(
          'embedded',
          new MutableProcess('embedded', port, {
            ...common,
            LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
            DATA_DIR: dataDir,
            PORT: String(port),
            PUBLIC_BASE_URL: url,
            ...secrets,
            ...options.env,
            ...options.serviceEnv?.embedded,
          }),
        );
      } else {
        const brokers = (process.env['KAFKA_BROKERS'] ?? DEFAULT_KAFKA_BROKERS).split(',');
        const groups = { normalizer: `${runId}.normalizer`, notifier: `${runId}.notifier` };
        await prepareKafka(brokers, Number(testEnvironment()['KAFKA_TOPIC_PARTITIONS'] ?? 3), [
          { groupId: groups.normalizer, topic: TOPICS.rawEvents.name },
          { groupId: groups.notifier, topic: TOPICS.notifications.name },
          { groupId: `${groups.notifier}.commands`, topic: TOPICS.notifierCommands.name },
        ]);
        const ports = new Map<ServiceName, number>();
        for (const name of SERVICE_NAMES) ports.set(name, await freePort());
        const publicBaseUrl = `http://127.0.0.1:${ports.get('webhook-ingest')}`;
        for (const name of SERVICE_NAMES) {
          const port = ports.get(name) ?? 0;
          const env: Record<string, string> = {
            ...(testEnvironment() as Record<string, string>),
            ...common,
            PORT: String(port),
            PUBLIC_BASE_URL: publicBaseUrl,
            // Its own groups and poll scope: other tests' services on the same broker and
            // database neither take this system's work nor give it theirs.
            NORMALIZER_CONSUMER_GROUP: groups.normalizer,
            NOTIFIER_CONSUMER_GROUP: groups.notifier,
            POLLER_INSTANCE_TAG: runId,
            ...(name === 'instance-service' ? secrets : {}),
            ...options.env,
            ...options.serviceEnv?.[name],
          };
          processes.set(name, new MutableProcess(name, port, env));
        }
      }
      // Every start settles before a failure is thrown, so the catch below kills them all.
      const started = await Promise.allSettled([...processes.values()].map((p) => p.start(readyTimeoutMs)));
      const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failure) throw failure.reason;

      const main = processes.get('embedded') ?? processes.get('instance-service');
      const ingest = processes.get('embedded') ?? processes.get('webhook-ingest');
      if (!main || !ingest) throw new Error('no instance-service process');
      const client = new OpenConnectorsClient(
        `${main.url}/elements/api-v2`,
        `User ${secrets.BOOTSTRAP_USER_SECRET}, Organization ${secrets.BOOTSTRAP_ORGANIZATION_SECRET}`,
        fakes,
        [runId],
      );
      return new RunningSystem(options.mode, runId, fakes, callbacks, client, ingest.url, main.url, processes, ownsFakes, dataDir, readyTimeoutMs);
    } catch (error) {
      await Promise.all([...processes.values()].map((p) => p.kill('SIGKILL')));
      await callbacks.close();
      if (ownsFakes) await fakes.close();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** The processes' names: the five services, or `embedded`. */
  get processNames(): SystemProcessName[] {
    return [...this.processes.keys()];
  }

  service(name: SystemProcessName): SystemProcess {
    const found = this.processes.get(name);
    if (!found) throw new Error(`no ${name} process in this ${this.mode} system (it has ${this.processNames.join(', ')})`);
    return found;
  }

  /** Sends a signal (SIGKILL by default: kill -9) and waits for the exit; resolves with the exit code. */
  kill(name: SystemProcessName, signal: NodeJS.Signals = 'SIGKILL'): Promise<number | null> {
    return this.mutable(name).kill(signal);
  }

  /** Starts a killed process again with the same environment and port, and waits until it is ready. */
  async restart(name: SystemProcessName): Promise<void> {
    const target = this.mutable(name);
    if (target.process) await target.kill('SIGKILL');
    await target.start(this.readyTimeoutMs);
  }

  /**
   * Deletes the instances the client made (so their tombstones reach every later reader of the
   * shared topic), stops every process with SIGTERM, closes the fakes and the receiver.
   */
  async stop(): Promise<void> {
    await this.client.deleteCreated().catch(() => undefined);
    await Promise.all([...this.processes.values()].map((p) => p.kill('SIGTERM')));
    await this.callbacks.close();
    if (this.ownsFakes) await this.fakes.close();
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }

  private mutable(name: SystemProcessName): MutableProcess {
    return this.service(name) as MutableProcess;
  }
}

/** Starts the system; see {@link RunningSystem}. */
export function startSystem(options: StartSystemOptions): Promise<RunningSystem> {
  if (!existsSync(path.join(REPO_ROOT, 'dist/apps'))) throw new Error('dist/ is not built: run `node scripts/build.mjs` first');
  return RunningSystem.start(options);
}

class MutableProcess implements SystemProcess {
  process: ServiceProcess | undefined;
  private lastOutput = '';

  constructor(
    readonly name: SystemProcessName,
    readonly port: number,
    readonly env: Readonly<Record<string, string>>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  output(): string {
    return this.process?.output() ?? this.lastOutput;
  }

  async start(readyTimeoutMs: number): Promise<void> {
    this.process = await startApp(this.name, { ...this.env, PORT: String(this.port) }, readyTimeoutMs);
  }

  /** Signals the process and waits for its exit; one that ignores a gentle signal for 15 s is killed. */
  async kill(signal: NodeJS.Signals): Promise<number | null> {
    const running = this.process;
    if (!running) return null;
    this.process = undefined;
    const exited = running.stop(signal);
    const timer = signal === 'SIGKILL' ? undefined : setTimeout(() => running.child.kill('SIGKILL'), STOP_GRACE_MS);
    try {
      return await exited;
    } finally {
      clearTimeout(timer);
      this.lastOutput = running.output();
    }
  }
}
