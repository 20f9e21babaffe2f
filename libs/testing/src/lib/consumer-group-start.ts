import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_KAFKA_BROKERS } from '@connector-events/config';
import { uniqueName } from './unique-name';
import { waitFor } from './wait-for';

/**
 * Commits offsets at the current end of `topic` for a consumer group, so a service started in it
 * reads only what the test publishes, not every earlier run's messages (the services read from
 * the beginning when their group has none). A topic not created yet has nothing to skip. Kafka
 * takes offsets only from a group without members, and a topic created a moment ago may not be
 * hosted yet: both are asked again for a while (a killed process's membership ends with its
 * session timeout).
 */
export async function startGroupAtEnd(
  groupId: string,
  topic: string,
  brokers: readonly string[] = (process.env['KAFKA_BROKERS'] ?? DEFAULT_KAFKA_BROKERS).split(','),
): Promise<void> {
  const admin = new Kafka({ clientId: uniqueName('group-start'), brokers: [...brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    if (!(await admin.listTopics()).includes(topic)) return;
    await waitFor(
      async () => {
        const ends = await admin.fetchTopicOffsets(topic).catch(() => undefined);
        if (!ends) return undefined;
        const partitions = ends.map(({ partition, high }) => ({ partition, offset: high }));
        return admin.setOffsets({ groupId, topic, partitions }).then(
          () => true,
          () => undefined,
        );
      },
      { timeoutMs: 60_000, intervalMs: 500, what: `the end offsets of ${topic} for consumer group ${groupId}` },
    );
  } finally {
    await admin.disconnect();
  }
}
