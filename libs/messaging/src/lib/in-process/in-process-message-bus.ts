import { AnyTopicContract, deadLetterTopicOf, TopicContract } from '../contracts/topic-contract';
import { OutgoingMessage, StoredRecord } from '../bus/bus-message';
import { deadLetterHeaders } from '../bus/dead-letter-headers';
import { encodeMessage } from '../bus/encode-message';
import { BusHealth, MessageBus } from '../bus/message-bus';
import { MessageDispatcher } from '../bus/message-dispatcher';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../bus/retry-policy';
import { Subscription, SubscriptionSpec } from '../bus/subscription';
import { partitionOf } from './partition-of';

interface TopicLog {
  readonly partitions: StoredRecord[][];
}

/**
 * {@link MessageBus} inside one process, for the embedded mode: partitioned, keyed logs with
 * committed offsets per consumer group and the same dispatcher as Kafka, so handlers see the
 * same ordering, validation, retry and dead-letter behaviour. The log lives in memory: what
 * is in flight when the process dies is lost, which is why production runs on Kafka.
 */
export class InProcessMessageBus implements MessageBus {
  private readonly topics = new Map<string, TopicLog>();
  /** groupId → `topic/partition` → next offset to read. */
  private readonly committed = new Map<string, Map<string, number>>();
  private readonly activeGroups = new Set<string>();
  private waiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly options: { readonly topicPartitions: number; readonly retry?: RetryPolicy },
  ) {}

  async start(topics: readonly AnyTopicContract[]): Promise<void> {
    for (const topic of topics) {
      this.ensureTopic(topic.name, this.options.topicPartitions);
      this.ensureTopic(deadLetterTopicOf(topic.name), 1);
    }
  }

  async publish<T extends object>(topic: TopicContract<T>, messages: readonly OutgoingMessage<T>[]): Promise<void> {
    const encoded = messages.map((message) => encodeMessage(topic, message));
    for (const message of encoded) this.append(topic.name, message.key, message.value, message.headers);
  }

  async subscribe(spec: SubscriptionSpec): Promise<Subscription> {
    if (this.activeGroups.has(spec.groupId)) {
      throw new Error(`consumer group ${spec.groupId} already has a member in this process`);
    }
    this.activeGroups.add(spec.groupId);
    let stopping = false;
    const dispatcher = new MessageDispatcher(
      spec,
      async (record, groupId, reason) => {
        this.append(deadLetterTopicOf(record.topic), record.key, record.value, deadLetterHeaders(record, groupId, reason));
      },
      this.options.retry ?? DEFAULT_RETRY_POLICY,
    );
    const offsets = this.groupOffsets(spec.groupId);
    const workers: Promise<void>[] = [];
    for (const topicName of dispatcher.topics) {
      const log = this.topics.get(topicName);
      if (log === undefined) throw new Error(`unknown topic ${topicName}: start the bus with it first`);
      log.partitions.forEach((records, partition) => {
        const at = `${topicName}/${partition}`;
        if (!offsets.has(at)) offsets.set(at, spec.fromBeginning ? 0 : records.length);
        workers.push(this.consumePartition(records, at, offsets, dispatcher, () => stopping || this.closed));
      });
    }
    return {
      groupId: spec.groupId,
      stop: async () => {
        stopping = true;
        this.wake();
        await Promise.all(workers);
        this.activeGroups.delete(spec.groupId);
      },
    };
  }

  async endOffsets(topic: AnyTopicContract): Promise<Map<number, bigint>> {
    const log = this.topics.get(topic.name);
    if (log === undefined) throw new Error(`unknown topic ${topic.name}: start the bus with it first`);
    return new Map(log.partitions.map((records, partition) => [partition, BigInt(records.length)]));
  }

  async health(): Promise<BusHealth> {
    return this.closed ? { up: false, detail: 'closed' } : { up: true, detail: 'in-process bus' };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
  }

  /** Appends bytes as a foreign producer would, without validation (tests use it for bad input). */
  appendRaw(topicName: string, key: string | null, value: string | null, headers: Record<string, string> = {}): void {
    this.append(topicName, key, value, headers);
  }

  /** Everything a topic holds, for tests and diagnostics. */
  records(topicName: string): StoredRecord[] {
    return (this.topics.get(topicName)?.partitions ?? []).flat();
  }

  private async consumePartition(
    records: StoredRecord[],
    at: string,
    offsets: Map<string, number>,
    dispatcher: MessageDispatcher,
    isStopping: () => boolean,
  ): Promise<void> {
    const context = { heartbeat: async () => undefined, isStopping };
    while (!isStopping()) {
      const next = offsets.get(at) ?? 0;
      const record = records[next];
      if (record === undefined) {
        await new Promise<void>((resolve) => this.waiters.push(resolve));
        continue;
      }
      if (!(await dispatcher.dispatch(record, context))) return;
      offsets.set(at, next + 1);
    }
  }

  private append(topicName: string, key: string | null, value: string | null, headers: Record<string, string>): void {
    const log = this.topics.get(topicName);
    if (log === undefined) throw new Error(`unknown topic ${topicName}`);
    const partition = key === null ? 0 : partitionOf(key, log.partitions.length);
    const records = log.partitions[partition];
    records.push({ topic: topicName, partition, offset: String(records.length), key, value, headers, timestamp: Date.now() });
    this.wake();
  }

  private ensureTopic(name: string, partitions: number): void {
    if (!this.topics.has(name)) {
      this.topics.set(name, { partitions: Array.from({ length: partitions }, () => []) });
    }
  }

  private groupOffsets(groupId: string): Map<string, number> {
    let offsets = this.committed.get(groupId);
    if (offsets === undefined) {
      offsets = new Map();
      this.committed.set(groupId, offsets);
    }
    return offsets;
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
  }
}
