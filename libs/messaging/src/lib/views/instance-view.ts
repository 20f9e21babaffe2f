import { Logger } from '@nestjs/common';
import { SecretBox } from '@connector-events/secrets';
import { IncomingMessage } from '../bus/bus-message';
import { MessageBus } from '../bus/message-bus';
import { Subscription, on } from '../bus/subscription';
import { InstanceSnapshotMessage } from '../contracts/instance-snapshot.message';
import { TOPICS } from '../contracts/topics';
import { InstanceRecord } from './instance-record';
import { openInstanceSnapshot } from './open-instance-snapshot';

export type InstanceChangeListener = (id: number, record: InstanceRecord | undefined) => void | Promise<void>;

/**
 * The current instances, folded in memory from the compacted `oc.instances.v1`. Every replica
 * reads the whole topic (its own consumer group), so nothing on the event path calls
 * instance-service. `start` resolves once everything written before it has been read, so a
 * service that waits on it never answers "unknown instance" for one that exists.
 */
export class InstanceView {
  private readonly logger = new Logger(InstanceView.name);
  private readonly records = new Map<number, InstanceRecord>();
  private readonly listeners = new Set<InstanceChangeListener>();
  private subscription?: Subscription;
  private caughtUp = false;
  /** Per partition, the offset after the last message applied. */
  private readonly positions = new Map<number, bigint>();

  constructor(
    private readonly bus: MessageBus,
    private readonly secretBox: SecretBox,
    /** Unique per process, such as `webhook-ingest.instances.<random>`. */
    private readonly groupId: string,
  ) {}

  get ready(): boolean {
    return this.caughtUp;
  }

  async start(timeoutMs = 60_000): Promise<void> {
    const ends = await this.bus.endOffsets(TOPICS.instances);
    const pending = new Map([...ends].filter(([, end]) => end > 0n));
    let resolveCaughtUp: () => void = () => undefined;
    const caughtUp = new Promise<void>((resolve) => (resolveCaughtUp = resolve));
    if (pending.size === 0) resolveCaughtUp();
    this.subscription = await this.bus.subscribe({
      groupId: this.groupId,
      fromBeginning: true,
      handlers: [
        on(TOPICS.instances, async (message) => {
          await this.apply(message);
          this.positions.set(message.partition, BigInt(message.offset) + 1n);
          const end = pending.get(message.partition);
          if (end !== undefined && BigInt(message.offset) + 1n >= end) {
            pending.delete(message.partition);
            if (pending.size === 0) resolveCaughtUp();
          }
        }),
      ],
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`instances view did not catch up within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([caughtUp, timeout]);
    } finally {
      clearTimeout(timer);
    }
    this.caughtUp = true;
    this.logger.log({ instances: this.records.size }, 'instances view caught up');
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  get(id: number): InstanceRecord | undefined {
    return this.records.get(id);
  }

  /**
   * The instance as it stands once this view has read everything written to `oc.instances.v1`
   * before the call; undefined if it does not exist then. The services learn of an instance
   * from a message published after its snapshot (a raw event, a notification), so waiting for
   * the view to catch up with the topic's end, rather than for a fixed time, tells "a moment
   * behind" from "does not exist" — and the latter costs one offsets request, not a wait.
   * `patienceMs` bounds the wait for a view that is far behind.
   */
  async settle(id: number, patienceMs: number, pollMs = 50): Promise<InstanceRecord | undefined> {
    const known = this.records.get(id);
    if (known) return known;
    const deadline = Date.now() + patienceMs;
    const ends = await this.bus.endOffsets(TOPICS.instances);
    for (;;) {
      const record = this.records.get(id);
      if (record) return record;
      const behind = [...ends].some(([partition, end]) => end > 0n && (this.positions.get(partition) ?? 0n) < end);
      if (!behind || Date.now() >= deadline) return undefined;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  all(): IterableIterator<InstanceRecord> {
    return this.records.values();
  }

  /** Called after each change is applied (a deleted instance comes as `undefined`). */
  onChange(listener: InstanceChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async apply(message: IncomingMessage<InstanceSnapshotMessage>): Promise<void> {
    const id = Number(message.key);
    if (!Number.isSafeInteger(id)) return;
    const snapshot = message.value;
    if (snapshot === null) {
      if (!this.records.delete(id)) return;
      await this.notify(id, undefined);
      return;
    }
    const current = this.records.get(id);
    // A republished snapshot (outbox retry) or an older one changes nothing.
    if (current && current.version >= snapshot.version) return;
    const record = this.open(snapshot);
    if (!record) return;
    this.records.set(id, record);
    await this.notify(id, record);
  }

  /** A snapshot whose secrets do not open (another SECRETS_KEY) is skipped, loudly. */
  private open(snapshot: InstanceSnapshotMessage): InstanceRecord | undefined {
    try {
      return openInstanceSnapshot(snapshot, this.secretBox);
    } catch (error) {
      this.logger.error(
        { instanceId: snapshot.instanceId, err: String(error) },
        'cannot open the instance secrets; is SECRETS_KEY the same as instance-service?',
      );
      return undefined;
    }
  }

  private async notify(id: number, record: InstanceRecord | undefined): Promise<void> {
    for (const listener of this.listeners) await listener(id, record);
  }
}
