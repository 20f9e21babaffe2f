import { ALL_TOPICS, KafkaMessageBus } from '@connector-events/messaging';
import { uniqueName } from '../unique-name';
import { startGroupAtEnd } from '../consumer-group-start';

export interface GroupStart {
  readonly groupId: string;
  readonly topic: string;
}

/**
 * Before a system of its own starts on a shared broker: every topic exists and is hosted (a
 * fresh broker elects leaders a moment after creation), and each new consumer group of the
 * system starts at the end of its topic. The services read from the beginning when their group
 * has no offsets, which on a broker used for weeks of test runs would mean re-processing every
 * earlier run's raw events and notifications.
 */
export async function prepareKafka(brokers: readonly string[], partitions: number, groups: readonly GroupStart[]): Promise<void> {
  const bus = new KafkaMessageBus({
    brokers,
    clientId: uniqueName('system-topics'),
    topicPartitions: partitions,
    onFatal: () => undefined,
  });
  await bus.start(ALL_TOPICS);
  await bus.close();

  for (const { groupId, topic } of groups) await startGroupAtEnd(groupId, topic, brokers);
}
