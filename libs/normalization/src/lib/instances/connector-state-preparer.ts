import { Logger } from '@nestjs/common';
import { ConnectorRegistry } from '@connector-events/connectors';
import { InstanceRecord } from '@connector-events/messaging';
import { InstanceTokenSessions } from '@connector-events/provider-sessions';
import { NormalizerStore } from '../store/normalizer-store';

/** How long shutdown waits for a provider call in flight before leaving it. */
const STOP_GRACE_MS = 2_000;

/**
 * Keeps the connector state in step with the instances, in the background (the view's listener
 * must return at once):
 * - an instance seen with events enabled and no state yet gets its adapter's `initialState`
 *   (Dropbox's cursor), so changes made after enabling are not missed — otherwise the first
 *   webhook would only set the cursor;
 * - events switched off drop the state, so switching them on again starts from then, as Open
 *   Connectors does, instead of replaying the changes made meanwhile;
 * - a deleted instance loses everything kept for it.
 * A failed preparation is logged and left: the first webhook then sets the cursor.
 */
export class ConnectorStatePreparer {
  private readonly logger = new Logger(ConnectorStatePreparer.name);
  /** The latest change per instance not yet applied; a newer change replaces an older one. */
  private readonly queue = new Map<number, InstanceRecord | undefined>();
  /** Whether events were enabled at the last change this process applied. */
  private readonly enabled = new Map<number, boolean>();
  private running?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly store: NormalizerStore,
    private readonly connectors: ConnectorRegistry,
    private readonly sessions: InstanceTokenSessions,
  ) {}

  onChange(id: number, record: InstanceRecord | undefined): void {
    if (this.stopped) return;
    this.queue.set(id, record);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  /** Resolves when every change noted so far is applied (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.running, new Promise((resolve) => (timer = setTimeout(resolve, STOP_GRACE_MS)))]);
    clearTimeout(timer);
  }

  private async drain(): Promise<void> {
    for (let next = this.queue.entries().next(); !next.done && !this.stopped; next = this.queue.entries().next()) {
      const [id, record] = next.value;
      this.queue.delete(id);
      try {
        await this.apply(id, record);
      } catch (error) {
        this.logger.warn(
          { instanceId: id, elementKey: record?.elementKey, err: error instanceof Error ? error.message : String(error) },
          'could not prepare the connector state; the first webhook will',
        );
      }
    }
  }

  private async apply(id: number, record: InstanceRecord | undefined): Promise<void> {
    const wasEnabled = this.enabled.get(id);
    if (record === undefined) {
      this.enabled.delete(id);
      await this.store.forgetInstance(id);
      return;
    }
    this.enabled.set(id, record.eventsEnabled);
    if (!record.eventsEnabled) {
      if (wasEnabled === true) await this.store.clearConnectorState(id);
      return;
    }
    if (wasEnabled === true) return;
    const adapter = this.connectors.find(record.elementKey);
    const webhook = adapter?.webhook;
    if (!adapter || !webhook || (await this.store.hasConnectorState(id))) return;
    const state = await webhook.initialState(record, { session: this.sessions.openLazily(record, adapter) });
    if (await this.store.initializeConnectorState(id, state)) {
      this.logger.log({ instanceId: id, elementKey: record.elementKey, keys: Object.keys(state) }, 'prepared the connector state');
    }
  }
}
