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
    // Another service may be creating them at this very moment (services starting together on
    // a fresh broker): that is fine once they exist and their partitions are hosted.
    if (!(await hostedWithin(admin, missing.map((t) => t.topic), HOSTED_PATIENCE_MS))) throw error;
  }
  return missing.map((t) => t.topic);
}

const HOSTED_PATIENCE_MS = 30_000;

async function hostedWithin(admin: Admin, topics: readonly string[], patienceMs: number): Promise<boolean> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    const listed = new Set(await admin.listTopics());
    if (topics.every((topic) => listed.has(topic))) {
      const hosted = await Promise.all(topics.map((topic) => admin.fetchTopicOffsets(topic).then(() => true, () => false)));
      if (hosted.every(Boolean)) return true;
    }
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
