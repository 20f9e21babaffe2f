import { Admin, ConfigResourceTypes, ITopicConfig } from 'kafkajs';
import { AnyTopicContract, deadLetterTopicOf } from '../contracts/topic-contract';

/**
 * Every service reads the compacted topics whole at start-up, so they must actually compact:
 * under the broker's defaults the active segment rolls only after 7 days, and replaced
 * snapshots and tombstones pile up until then. Hourly segments let the cleaner keep them small.
 */
const COMPACTION = [
  { name: 'cleanup.policy', value: 'compact' },
  { name: 'segment.ms', value: String(3_600_000) },
  { name: 'min.cleanable.dirty.ratio', value: '0.1' },
];

export interface TopicProvisioning {
  readonly partitions: number;
  /** `max.message.bytes` of every topic: the broker's 1 MiB default is below the webhook body limit. */
  readonly maxMessageBytes: number;
}

/**
 * Creates the missing topics and their dead-letter topics. Auto-creation stays off on the
 * broker, so partition counts, compaction and record size limits are always what the
 * contracts say; an existing topic whose record size limit is too small is raised.
 */
export async function provisionTopics(admin: Admin, topics: readonly AnyTopicContract[], provisioning: TopicProvisioning): Promise<string[]> {
  const { brokers } = await admin.describeCluster();
  const replicationFactor = Math.min(3, brokers.length);
  const existing = new Set(await admin.listTopics());
  const sizeLimit = { name: 'max.message.bytes', value: String(provisioning.maxMessageBytes) };
  const wanted: ITopicConfig[] = topics.flatMap((topic) => [
    {
      topic: topic.name,
      numPartitions: provisioning.partitions,
      replicationFactor,
      configEntries: [...(topic.compacted ? COMPACTION : []), sizeLimit],
    },
    { topic: deadLetterTopicOf(topic.name), numPartitions: 1, replicationFactor, configEntries: [sizeLimit] },
  ]);
  await raiseSizeLimits(admin, wanted.filter((t) => existing.has(t.topic)), provisioning.maxMessageBytes);
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

/**
 * Topics created before the limit existed (or with a smaller one) get it raised. AlterConfigs
 * replaces a topic's whole configuration, so the request carries every entry the contract sets.
 */
async function raiseSizeLimits(admin: Admin, topics: readonly ITopicConfig[], maxMessageBytes: number): Promise<void> {
  if (topics.length === 0) return;
  const described = await admin.describeConfigs({
    resources: topics.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.topic, configNames: ['max.message.bytes'] })),
    includeSynonyms: false,
  });
  const tooSmall = new Set(
    described.resources
      .filter((resource) => Number(resource.configEntries.find((entry) => entry.configName === 'max.message.bytes')?.configValue ?? 0) < maxMessageBytes)
      .map((resource) => resource.resourceName),
  );
  const raise = topics.filter((t) => tooSmall.has(t.topic));
  if (raise.length === 0) return;
  await admin.alterConfigs({
    validateOnly: false,
    resources: raise.map((t) => ({ type: ConfigResourceTypes.TOPIC, name: t.topic, configEntries: t.configEntries ?? [] })),
  });
}

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
