import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_KAFKA_BROKERS } from '@connector-events/config';
import { describeMessageBusContract, uniqueName } from '@connector-events/testing';
import { KafkaMessageBus } from '@connector-events/messaging';

const brokers = (process.env['KAFKA_BROKERS'] ?? DEFAULT_KAFKA_BROKERS).split(',');
const kafka = new Kafka({ clientId: 'bus-contract-test', brokers, logLevel: logLevel.NOTHING });

async function readAll(topic: string): Promise<Array<{ key: string | null; value: string | null; headers: Record<string, string> }>> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  if (total === 0) return [];
  const consumer = kafka.consumer({ groupId: uniqueName('reader') });
  const records: Array<{ key: string | null; value: string | null; headers: Record<string, string> }> = [];
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const done = new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
        records.push({ key: message.key?.toString() ?? null, value: message.value?.toString() ?? null, headers });
        if (records.length >= total) resolve();
      },
    });
  });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([done, new Promise((resolve) => (timer = setTimeout(resolve, 20_000)))]);
  clearTimeout(timer);
  await consumer.disconnect();
  return records;
}

describeMessageBusContract('Kafka', () => ({
  create: async () =>
    new KafkaMessageBus({
      brokers,
      clientId: uniqueName('bus-test'),
      topicPartitions: 3,
      retry: { initialDelayMs: 20, maxDelayMs: 200 },
      onFatal: (error) => {
        throw error;
      },
    }),
  publishRaw: async (topic, key, value) => {
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key, value }] });
    await producer.disconnect();
  },
  readAll,
}));
