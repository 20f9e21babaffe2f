import { Logger } from '@nestjs/common';
import { Admin, Consumer, EachBatchPayload, Kafka, logLevel, Producer } from 'kafkajs';
import { AnyTopicContract, deadLetterTopicOf, TopicContract } from '../contracts/topic-contract';
import { OutgoingMessage, StoredRecord } from '../bus/bus-message';
import { deadLetterHeaders } from '../bus/dead-letter-headers';
import { encodeMessage } from '../bus/encode-message';
import { BusHealth, MessageBus } from '../bus/message-bus';
import { MessageDispatcher } from '../bus/message-dispatcher';
import { DEFAULT_RETRY_POLICY, RetryPolicy } from '../bus/retry-policy';
import { Subscription, SubscriptionSpec } from '../bus/subscription';
import { headersToStrings } from './kafka-headers';
import { kafkaLogCreator } from './kafka-log-creator';
import { provisionTopics } from './provision-topics';

export interface KafkaMessageBusOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topicPartitions: number;
  /** The largest record a topic takes (`max.message.bytes`); consumers fetch at least this much per partition. */
  readonly maxMessageBytes?: number;
  /** Partitions one consumer works on at once; order within a partition is always kept. */
  readonly partitionsConsumedConcurrently?: number;
  readonly retry?: RetryPolicy;
  /**
   * Called when a consumer crashed and kafkajs will not restart it. The process must exit:
   * otherwise it keeps serving HTTP while consuming nothing (STACK-NOTES §2.3).
   */
  readonly onFatal: (error: Error) => void;
  readonly groupJoinTimeoutMs?: number;
  /** A crashed member's partitions wait this long before moving (default 30 s); heartbeats go at a third of it, at most every 3 s. */
  readonly sessionTimeoutMs?: number;
}

const HEALTH_TIMEOUT_MS = 3_000;
const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const END_OFFSETS_PATIENCE_MS = 15_000;
const DEFAULT_SESSION_TIMEOUT_MS = 30_000;

/** {@link MessageBus} over Apache Kafka with kafkajs. */
export class KafkaMessageBus implements MessageBus {
  private readonly logger = new Logger(KafkaMessageBus.name);
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly consumers = new Set<Consumer>();
  private readonly crashedGroups = new Set<string>();
  private producerConnected = false;

  constructor(private readonly options: KafkaMessageBusOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: [...options.brokers],
      logLevel: logLevel.WARN,
      logCreator: kafkaLogCreator,
      retry: { initialRetryTime: 300, retries: 8 },
    });
    // Idempotent with one request in flight: no duplicates and no reordering on producer retries.
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.producer.on(this.producer.events.CONNECT, () => (this.producerConnected = true));
    this.producer.on(this.producer.events.DISCONNECT, () => (this.producerConnected = false));
    this.admin = this.kafka.admin();
  }

  private get maxMessageBytes(): number {
    return this.options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  }

  async start(topics: readonly AnyTopicContract[]): Promise<void> {
    await this.admin.connect();
    const created = await provisionTopics(this.admin, topics, {
      partitions: this.options.topicPartitions,
      maxMessageBytes: this.maxMessageBytes,
    });
    if (created.length > 0) this.logger.log({ topics: created }, 'created Kafka topics');
    await this.producer.connect();
  }

  async publish<T extends object>(topic: TopicContract<T>, messages: readonly OutgoingMessage<T>[]): Promise<void> {
    if (messages.length === 0) return;
    const encoded = messages.map((message) => encodeMessage(topic, message));
    await this.producer.send({ topic: topic.name, acks: -1, messages: encoded });
  }

  async subscribe(spec: SubscriptionSpec): Promise<Subscription> {
    const consumer = this.kafka.consumer({
      groupId: spec.groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS,
      heartbeatInterval: Math.min(3_000, Math.floor((this.options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS) / 3)),
      maxBytesPerPartition: this.maxMessageBytes,
      maxBytes: Math.max(10 * 1024 * 1024, this.maxMessageBytes),
    });
    let stopping = false;
    const dispatcher = new MessageDispatcher(
      spec,
      (record, groupId, reason) => this.sendToDeadLetter(record, groupId, reason),
      this.options.retry ?? DEFAULT_RETRY_POLICY,
    );
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (stopping || payload.restart) return;
      this.crashedGroups.add(spec.groupId);
      this.options.onFatal(payload.error);
    });
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));

    await consumer.connect();
    await consumer.subscribe({ topics: dispatcher.topics, fromBeginning: spec.fromBeginning ?? false });
    await consumer.run({
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatchAutoResolve: false,
      // kafkajs commits at the end of each batch; a long batch also commits its handled
      // messages every 500 ms or 100 messages, so a crash mid-batch repeats little.
      autoCommitInterval: 500,
      autoCommitThreshold: 100,
      eachBatch: (payload) => this.consumeBatch(payload, dispatcher, () => stopping),
    });
    this.consumers.add(consumer);
    await withTimeout(joined, this.options.groupJoinTimeoutMs ?? 60_000, `consumer group ${spec.groupId} did not join`);

    return {
      groupId: spec.groupId,
      stop: async () => {
        stopping = true;
        this.consumers.delete(consumer);
        await consumer.disconnect();
      },
    };
  }

  /** Offsets are resolved one by one, only after the handler finished with the message. */
  private async consumeBatch(
    { batch, resolveOffset, heartbeat, isRunning, isStale, commitOffsetsIfNecessary }: EachBatchPayload,
    dispatcher: MessageDispatcher,
    stopping: () => boolean,
  ): Promise<void> {
    const isStopping = (): boolean => stopping() || !isRunning() || isStale();
    for (const message of batch.messages) {
      if (isStopping()) return;
      const record: StoredRecord = {
        topic: batch.topic,
        partition: batch.partition,
        offset: message.offset,
        key: message.key === null ? null : message.key.toString(),
        value: message.value === null ? null : message.value.toString(),
        headers: headersToStrings(message.headers),
        timestamp: Number(message.timestamp),
      };
      if (!(await dispatcher.dispatch(record, { heartbeat, isStopping }))) return;
      resolveOffset(message.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  }

  private async sendToDeadLetter(record: StoredRecord, groupId: string, reason: string): Promise<void> {
    await this.producer.send({
      topic: deadLetterTopicOf(record.topic),
      acks: -1,
      messages: [{ key: record.key, value: record.value, headers: deadLetterHeaders(record, groupId, reason) }],
    });
  }

  /**
   * A topic created a moment ago (`start` on a fresh broker) may still answer "does not host
   * this topic-partition", which kafkajs does not retry: ask again for a few seconds.
   */
  async endOffsets(topic: AnyTopicContract): Promise<Map<number, bigint>> {
    const deadline = Date.now() + END_OFFSETS_PATIENCE_MS;
    for (;;) {
      try {
        const offsets = await this.admin.fetchTopicOffsets(topic.name);
        return new Map(offsets.map(({ partition, high }) => [partition, BigInt(high)]));
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  async health(): Promise<BusHealth> {
    if (this.crashedGroups.size > 0) {
      return { up: false, detail: `consumer crashed: ${[...this.crashedGroups].join(', ')}` };
    }
    if (!this.producerConnected) return { up: false, detail: 'producer not connected' };
    try {
      const cluster = await withTimeout(this.admin.describeCluster(), HEALTH_TIMEOUT_MS, 'broker did not answer');
      return { up: true, detail: `${cluster.brokers.length} broker(s)` };
    } catch (error) {
      return { up: false, detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.consumers].map((consumer) => consumer.disconnect()));
    this.consumers.clear();
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
