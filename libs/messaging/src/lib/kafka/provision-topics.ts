import { Admin, ITopicConfig } from 'kafkajs';
import { AnyTopicContract, deadLetterTopicOf } from '../contracts/topic-contract';

/**
 * Creates the missing topics and their dead-letter topics. Auto-creation stays off on the
 * broker, so partition counts and compaction are always what the contracts say.
 */
export async function provisionTopics(
  admin: Admin,
  topics: readonly AnyTopicContract[],
  partitions: number,
): Promise<string[]> {
  const { brokers } = await admin.describeCluster();
  const replicationFactor = Math.min(3, brokers.length);
  const existing = new Set(await admin.listTopics());
  const wanted: ITopicConfig[] = topics.flatMap((topic) => [
    {
      topic: topic.name,
      numPartitions: partitions,
      replicationFactor,
      configEntries: topic.compacted ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
    },
    { topic: deadLetterTopicOf(topic.name), numPartitions: 1, replicationFactor },
  ]);
  const missing = wanted.filter((t) => !existing.has(t.topic));
  if (missing.length === 0) return [];
  try {
    await admin.createTopics({ topics: missing, waitForLeaders: true });
  } catch (error) {
    // Another service may have created them a moment ago; that is fine.
    const now = new Set(await admin.listTopics());
    if (missing.some((t) => !now.has(t.topic))) throw error;
  }
  return missing.map((t) => t.topic);
}
