import { randomInt, randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_KAFKA_BROKERS } from '@connector-events/config';
import { RawEvent } from '@connector-events/event-schema';
import { InstanceRecord, InstanceSnapshotMessage, SEALED_TOKEN_KEYS, TOPICS, openInstanceSnapshot } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { TEST_SECRETS_KEY, waitFor } from '@connector-events/testing';

const box = new SecretBox(Buffer.from(TEST_SECRETS_KEY, 'base64'));

/** Ids far from instance-service's sequence and from other runs on the same broker. */
export function testInstanceId(): number {
  return randomInt(1_000_000_000, 2_000_000_000);
}

export interface TestInstance {
  readonly id: number;
  readonly elementKey: string;
  readonly configuration?: Record<string, string>;
  /** Values instance-service would seal (provider secrets). */
  readonly secrets?: Record<string, string>;
  readonly providerData?: Record<string, string>;
  readonly tokens?: { readonly accessToken: string; readonly refreshToken?: string };
  readonly eventsEnabled?: boolean;
  readonly version?: number;
}

/** The snapshot instance-service would publish on `oc.instances.v1`, secrets sealed with the test key. */
export function instanceSnapshot(instance: TestInstance): InstanceSnapshotMessage {
  const tokens = instance.tokens
    ? {
        [SEALED_TOKEN_KEYS.accessToken]: instance.tokens.accessToken,
        ...(instance.tokens.refreshToken ? { [SEALED_TOKEN_KEYS.refreshToken]: instance.tokens.refreshToken } : {}),
      }
    : {};
  return {
    instanceId: instance.id,
    version: instance.version ?? 1,
    organizationId: 77,
    userId: 78,
    elementKey: instance.elementKey,
    name: `${instance.elementKey} ${instance.id}`,
    tags: ['normalizer-test'],
    eventsEnabled: instance.eventsEnabled ?? true,
    providerData: instance.providerData ?? {},
    configuration: { 'event.notification.enabled': String(instance.eventsEnabled ?? true), ...instance.configuration },
    sealedSecrets: box.sealRecord({ ...instance.secrets, ...tokens }, `instance:${instance.id}`),
    updatedDate: new Date().toISOString(),
  };
}

/** The instance as the normalizer's view holds it (secrets opened with the test key). */
export function instanceRecordOf(snapshot: InstanceSnapshotMessage): InstanceRecord {
  return openInstanceSnapshot(snapshot, box);
}

/** What webhook-ingest publishes for a verified provider call: the parsed body, arrays under `payload`. */
export function webhookRawEvent(instanceId: number, elementKey: string, body: string, extra: Partial<RawEvent> = {}): RawEvent {
  const parsed = JSON.parse(body) as unknown;
  return {
    rawEventId: randomUUID(),
    instanceId,
    elementKey,
    source: 'webhook',
    receivedAt: new Date().toISOString(),
    headers: { 'content-type': 'application/json' },
    body: Array.isArray(parsed) ? { payload: parsed } : (parsed as Record<string, unknown>),
    ...extra,
  };
}

/**
 * Commits offsets at the current end of `oc.events.raw.v1` for a consumer group, so a
 * normalizer started in it reads only what the test publishes, not every earlier run's raw
 * events (which name providers long gone). Kafka takes this only from a group without members;
 * one a killed process left empties when its session times out (30 s).
 */
export async function startGroupAtEndOfRawEvents(groupId: string): Promise<void> {
  const kafka = new Kafka({ clientId: `normalizer-test-${randomUUID()}`, brokers: (process.env['KAFKA_BROKERS'] ?? DEFAULT_KAFKA_BROKERS).split(','), logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(TOPICS.rawEvents.name)) return;
    await waitFor(
      async () => {
        // A topic another test created a moment ago may not be hosted yet: ask again.
        const ends = await admin.fetchTopicOffsets(TOPICS.rawEvents.name).catch(() => undefined);
        if (!ends) return undefined;
        const partitions = ends.map(({ partition, high }) => ({ partition, offset: high }));
        return admin.setOffsets({ groupId, topic: TOPICS.rawEvents.name, partitions }).then(
          () => true,
          () => undefined,
        );
      },
      { timeoutMs: 60_000, intervalMs: 1_000, what: `the offsets of ${TOPICS.rawEvents.name} and consumer group ${groupId} to have no members` },
    );
  } finally {
    await admin.disconnect();
  }
}
