import { describeMessageBusContract } from '@connector-events/testing';
import { InProcessMessageBus, MessageBus } from '@connector-events/messaging';

// One shared log stands for the broker; each create() is another "process" on it.
describeMessageBusContract('in-process', () => {
  const bus = new InProcessMessageBus({ topicPartitions: 3, retry: { initialDelayMs: 5, maxDelayMs: 20 } });
  return {
    create: async (): Promise<MessageBus> => ({
      start: (topics) => bus.start(topics),
      publish: (topic, messages) => bus.publish(topic, messages),
      subscribe: (spec) => bus.subscribe(spec),
      endOffsets: (topic) => bus.endOffsets(topic),
      health: () => bus.health(),
      close: async () => undefined,
    }),
    publishRaw: async (topic, key, value) => bus.appendRaw(topic, key, value),
    readAll: async (topic) => bus.records(topic),
  };
});
