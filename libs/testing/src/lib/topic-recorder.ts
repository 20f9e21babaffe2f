import { Consumer, Kafka, logLevel } from 'kafkajs';
import { DEFAULT_KAFKA_BROKERS } from '@connector-events/config';
import { uniqueName } from './unique-name';
import { waitFor } from './wait-for';

export interface RecordedMessage {
  readonly key: string | null;
  /** Parsed JSON, or null for a tombstone. */
  readonly value: unknown;
  /** The bytes as they are on the log, for tests that grep them. */
  readonly raw: string | null;
  readonly headers: Record<string, string>;
  readonly offset: string;
  readonly partition: number;
}

/**
 * Reads a real topic with its own consumer group and keeps every message appended after
 * `start()` (older ones, from earlier runs on the same broker, are skipped by offset).
 */
export class TopicRecorder {
  readonly messages: RecordedMessage[] = [];
  private consumer?: Consumer;

  constructor(
    private readonly topic: string,
    private readonly brokers = (process.env['KAFKA_BROKERS'] ?? DEFAULT_KAFKA_BROKERS).split(','),
  ) {}

  async start(): Promise<this> {
    const kafka = new Kafka({ clientId: uniqueName('recorder'), brokers: this.brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    const startOffsets = new Map<number, bigint>();
    try {
      // A topic created a moment ago (a fresh broker) can answer "does not host this
      // topic-partition" until its leaders are elected: ask again for a while.
      const offsets = await waitFor(() => admin.fetchTopicOffsets(this.topic).catch(() => undefined), {
        timeoutMs: 30_000,
        intervalMs: 250,
        what: `the offsets of ${this.topic}`,
      });
      for (const { partition, offset } of offsets) startOffsets.set(partition, BigInt(offset));
    } finally {
      await admin.disconnect();
    }
    const consumer = kafka.consumer({ groupId: uniqueName('recorder') });
    await consumer.connect();
    await consumer.subscribe({ topic: this.topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message, partition }) => {
        if (BigInt(message.offset) < (startOffsets.get(partition) ?? 0n)) return;
        const raw = message.value === null ? null : message.value.toString('utf8');
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) if (value !== undefined) headers[name] = String(value);
        this.messages.push({
          key: message.key === null ? null : message.key.toString('utf8'),
          value: raw === null ? null : (JSON.parse(raw) as unknown),
          raw,
          headers,
          offset: message.offset,
          partition,
        });
      },
    });
    this.consumer = consumer;
    return this;
  }

  withKey(key: string): RecordedMessage[] {
    return this.messages.filter((m) => m.key === key);
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect();
  }
}
