import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, Kafka, logLevel } from 'kafkajs';
import { DEFAULT_KAFKA_BROKERS, DEFAULT_WEBHOOK_MAX_BODY_BYTES, kafkaMaxMessageBytesFor } from '@connector-events/config';
import { RawEvent } from '@connector-events/event-schema';
import { IncomingMessage, KafkaMessageBus, defineTopic, deadLetterTopicOf, on } from '@connector-events/messaging';
import { uniqueName, waitFor } from '@connector-events/testing';

const brokers = (process.env['KAFKA_BROKERS'] ?? DEFAULT_KAFKA_BROKERS).split(',');
const kafka = new Kafka({ clientId: 'large-messages-test', brokers, logLevel: logLevel.NOTHING });
const MAX_MESSAGE_BYTES = kafkaMaxMessageBytesFor(DEFAULT_WEBHOOK_MAX_BODY_BYTES);

function rawTopic(compacted = false) {
  return defineTopic({
    name: `test.${uniqueName('large')}.v1`,
    messageType: RawEvent,
    compacted,
    description: 'scratch topic of a test',
    keyOf: (m: RawEvent) => String(m.instanceId),
  });
}

function newBus(): KafkaMessageBus {
  return new KafkaMessageBus({
    brokers,
    clientId: uniqueName('large-bus'),
    topicPartitions: 1,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    onFatal: (error) => {
      throw error;
    },
  });
}

async function topicConfig(topic: string): Promise<Record<string, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { resources } = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: topic }], includeSynonyms: false });
    return Object.fromEntries((resources[0]?.configEntries ?? []).map((entry) => [entry.configName, entry.configValue]));
  } finally {
    await admin.disconnect();
  }
}

describe('Kafka records as large as the webhook body limit allows', () => {
  const buses: KafkaMessageBus[] = [];
  afterEach(async () => {
    await Promise.allSettled(buses.splice(0).map((bus) => bus.close()));
  });

  it('carries a raw event with a 5 MiB provider body through a topic the bus created', async () => {
    const topic = rawTopic();
    const bus = newBus();
    buses.push(bus);
    await bus.start([topic]);
    expect((await topicConfig(topic.name))['max.message.bytes']).toBe(String(MAX_MESSAGE_BYTES));
    expect((await topicConfig(deadLetterTopicOf(topic.name)))['max.message.bytes']).toBe(String(MAX_MESSAGE_BYTES));

    const body = { payload: 'x'.repeat(DEFAULT_WEBHOOK_MAX_BODY_BYTES) };
    const event: RawEvent = { rawEventId: randomUUID(), instanceId: 7, elementKey: 'hubspot', source: 'webhook', receivedAt: new Date().toISOString(), headers: {}, body };
    await bus.publish(topic, [{ value: event }]);

    const received: IncomingMessage<RawEvent>[] = [];
    await bus.subscribe({ groupId: uniqueName('large-reader'), fromBeginning: true, handlers: [on(topic, async (message) => void received.push(message))] });
    await waitFor(() => (received.length === 1 ? true : undefined), { timeoutMs: 30_000, what: 'the large raw event' });
    expect(received[0]?.value?.body).toEqual(body);
  }, 60_000);

  it('raises the limit of a topic created before it, keeping the rest of its configuration', async () => {
    const topic = rawTopic(true);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: topic.name, numPartitions: 1, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }], waitForLeaders: true });
    await admin.disconnect();
    expect(Number((await topicConfig(topic.name))['max.message.bytes'])).toBeLessThan(MAX_MESSAGE_BYTES);

    const bus = newBus();
    buses.push(bus);
    await bus.start([topic]);
    const config = await topicConfig(topic.name);
    expect(config['max.message.bytes']).toBe(String(MAX_MESSAGE_BYTES));
    expect(config['cleanup.policy']).toBe('compact');
    expect(config['segment.ms']).toBe('3600000');
  }, 60_000);
});
