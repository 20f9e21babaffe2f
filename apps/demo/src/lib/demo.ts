import {
  ALL_CONNECTOR_SCENARIOS,
  CONNECTOR_NAMES,
  CallbackDelivery,
  ConnectorScenario,
  ProvisionedInstance,
  RunningSystem,
  SystemConnector,
  startSystem,
} from '@connector-events/testing';
import { DemoFlags } from './demo-flags';

export type DemoOutput = (line: string) => void;

interface DemoInstance {
  readonly scenario: ConnectorScenario;
  readonly provisioned: ProvisionedInstance;
}

interface EventLike {
  readonly objectType?: string;
  readonly objectId?: string;
  readonly eventType?: string;
}

const SHORT_NAMES: Record<SystemConnector, string> = {
  dropbox: 'Dropbox',
  hubspot: 'HubSpot',
  quickbooks: 'QuickBooks',
  sfdc: 'Salesforce',
  microsoftgraph: 'Graph',
};

/**
 * `npm run demo`: the embedded system, the five provider fakes and a callback receiver; one
 * instance per connector provisioned through the REST API; changes made at the providers; and
 * every signed notification shown as it reaches the callback, with a running count per
 * connector. Resolves with the exit code.
 */
export class Demo {
  private system?: RunningSystem;
  private readonly instances: DemoInstance[] = [];
  private readonly counts = new Map<SystemConnector, number>();
  private readonly changedAt = new Map<string, number>();
  private readonly latenciesMs: number[] = [];
  private readonly startedAt = performance.now();
  private stopping = false;
  private timedOut = false;
  private wakeStop: () => void = () => undefined;
  private readonly stopRequested = new Promise<void>((resolve) => (this.wakeStop = resolve));
  private allArrived: () => void = () => undefined;
  private readonly fiveArrived = new Promise<void>((resolve) => (this.allArrived = resolve));

  constructor(
    private readonly flags: DemoFlags,
    private readonly out: DemoOutput,
  ) {}

  /** Ctrl-C: stop after the change in hand. */
  requestStop(): void {
    this.stopping = true;
    this.wakeStop();
  }

  async run(): Promise<number> {
    const timer = this.flags.timeoutSeconds > 0 ? setTimeout(() => this.timeUp(), this.flags.timeoutSeconds * 1000) : undefined;
    timer?.unref();
    let failed = false;
    try {
      await this.play();
    } catch (error) {
      if (!this.stopping) {
        failed = true;
        this.out(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
        const output = this.system?.service('embedded').output() ?? '';
        if (output) this.out(`--- embedded system output (last lines) ---\n${output.split('\n').slice(-30).join('\n')}`);
      }
    } finally {
      clearTimeout(timer);
    }
    if (this.system) this.summary();
    if (this.timedOut) {
      const missing = this.instances.filter((i) => !this.counts.get(i.scenario.connector)).map((i) => SHORT_NAMES[i.scenario.connector]);
      this.out(`timed out after ${this.flags.timeoutSeconds} s${missing.length > 0 ? `; no notification yet from ${missing.join(', ')}` : ''}`);
    }
    // Whatever happened above, the embedded process and its data go with the demo.
    this.out('stopping …');
    await this.system?.stop();
    this.out('stopped.');
    return failed || this.timedOut ? 1 : 0;
  }

  /** Start, provision, change, show; returns when done (--once), stopped (Ctrl-C) or timed out. */
  private async play(): Promise<void> {
    this.out('Connector Events demo: starting the embedded system (five services, one process, in-process bus, PGlite),');
    this.out('the five provider fakes and a callback receiver …');
    const system = await startSystem({ mode: 'embedded' });
    this.system = system;
    this.out(`ready in ${this.elapsed()} s`);
    this.out('');
    this.out(`  REST API        ${system.client.apiUrl}`);
    this.out(`  Authorization   ${system.client.authorization}`);
    this.out(`  Provider hooks  ${system.publicBaseUrl}/elements/api-v2/events/{elementKey}`);
    this.out(`  Callback        ${system.callbacks.url}/hooks/{connector}  (checks Elements-Webhook-Signature)`);
    this.out('');
    if (this.stopping) return;
    system.callbacks.onDelivery((delivery, first) => first && this.show(delivery));

    await this.provisionAll(system);
    if (this.stopping) return;
    this.out('');
    this.out(`Changes at the providers → notifications at the callback${this.flags.once ? '' : ' (Ctrl-C to stop)'}:`);
    await Promise.race([Promise.all(this.instances.map((instance) => this.change(instance))), this.stopRequested]);
    if (this.flags.once) await Promise.race([this.fiveArrived, this.stopRequested]);
    else await this.keepChanging();
  }

  private timeUp(): void {
    this.timedOut = true;
    this.requestStop();
  }

  private async provisionAll(system: RunningSystem): Promise<void> {
    this.out('Provisioning one instance per connector through POST /instances (OAuth code from the provider fake):');
    const provisioned = await Promise.all(
      ALL_CONNECTOR_SCENARIOS.map(async (scenario) => {
        const signatureKey = `demo-key-${scenario.connector}`;
        const instance = await system.client.provision(
          scenario.connector,
          scenario.provisionRequest({
            name: `Demo ${CONNECTOR_NAMES[scenario.connector]}`,
            callbackUrl: system.callbacks.callbackUrl(scenario.connector, signatureKey),
            signatureKey,
          }),
        );
        return { scenario, provisioned: instance };
      }),
    );
    for (const instance of provisioned) {
      this.instances.push(instance);
      const how = instance.scenario.method === 'webhook' ? 'webhooks' : 'polled every (demo) minute = 1 s';
      this.out(`  ${SHORT_NAMES[instance.scenario.connector].padEnd(11)} instance ${String(instance.provisioned.id).padEnd(4)} ${how}`);
    }
  }

  private async keepChanging(): Promise<void> {
    let next = 0;
    while (!this.stopping) {
      await Promise.race([new Promise((resolve) => setTimeout(resolve, this.flags.everySeconds * 1000)), this.stopRequested]);
      if (this.stopping) break;
      const instance = this.instances[next++ % this.instances.length];
      if (instance) await this.change(instance);
    }
  }

  private async change(instance: DemoInstance): Promise<void> {
    const at = performance.now();
    try {
      const change = await instance.scenario.causeChange(this.system as RunningSystem, instance.provisioned);
      this.changedAt.set(`${instance.provisioned.id}/${change.expected.objectId}`, at);
    } catch (error) {
      if (!this.stopping) this.out(`  ! ${SHORT_NAMES[instance.scenario.connector]}: could not make a change: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private show(delivery: CallbackDelivery): void {
    const instance = this.instances.find((i) => i.provisioned.id === delivery.instanceId);
    if (!instance) return;
    const connector = instance.scenario.connector;
    this.counts.set(connector, (this.counts.get(connector) ?? 0) + 1);
    const message = (delivery.body as { message?: { events?: EventLike[] } }).message;
    const events = message?.events ?? [];
    const first = events[0] ?? {};
    const started = this.changedAt.get(`${instance.provisioned.id}/${first.objectId ?? ''}`);
    const latency = started === undefined ? '' : ` ${((performance.now() - started) / 1000).toFixed(1)} s after the change`;
    if (started !== undefined) this.latenciesMs.push(performance.now() - started);
    const what = `${first.objectType ?? '?'} ${first.eventType ?? '?'}${events.length > 1 ? ` (+${events.length - 1} more)` : ''}`;
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    this.out(
      `  ${this.elapsed().padStart(6)} s  #${String(total).padEnd(3)} ${SHORT_NAMES[connector].padEnd(11)} ${what.padEnd(28)} signature ${delivery.signature}${latency}   [${this.countLine()}]`,
    );
    if (this.instances.every((i) => (this.counts.get(i.scenario.connector) ?? 0) > 0)) this.allArrived();
  }

  private countLine(): string {
    return this.instances.map((i) => `${SHORT_NAMES[i.scenario.connector]} ${this.counts.get(i.scenario.connector) ?? 0}`).join(' · ');
  }

  private summary(): void {
    const total = [...this.counts.values()].reduce((a, b) => a + b, 0);
    const sorted = [...this.latenciesMs].sort((a, b) => a - b);
    const p50 = sorted[Math.floor(sorted.length / 2)];
    this.out('');
    this.out(
      `${total} notification(s) delivered and signed in ${this.elapsed()} s: ${this.countLine()}` +
        (p50 === undefined ? '' : `; provider change to callback: median ${(p50 / 1000).toFixed(1)} s, max ${((sorted.at(-1) ?? 0) / 1000).toFixed(1)} s`) +
        (this.system && this.system.callbacks.duplicates > 0 ? `; ${this.system.callbacks.duplicates} duplicate(s) dropped by eventId` : ''),
    );
  }

  private elapsed(): string {
    return ((performance.now() - this.startedAt) / 1000).toFixed(1);
  }
}
