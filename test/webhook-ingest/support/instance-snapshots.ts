import { INestApplication } from '@nestjs/common';
import { InstanceSnapshotMessage, InstanceView, MESSAGE_BUS, MessageBus, SEALED_TOKEN_KEYS, TOPICS } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { TEST_SECRETS_KEY, waitFor, testInstanceId } from '@connector-events/testing';

const secretBox = new SecretBox(Buffer.from(TEST_SECRETS_KEY, 'base64'));

export interface InstanceSpec {
  readonly id?: number;
  readonly elementKey: string;
  readonly eventsEnabled?: boolean;
  readonly providerData?: Record<string, string>;
  readonly configuration?: Record<string, string>;
  /** Secret configuration values (sealed on the topic, as instance-service seals them). */
  readonly secrets?: Record<string, string>;
  readonly version?: number;
}

/** An `oc.instances.v1` snapshot as instance-service publishes it, secrets and tokens sealed. */
export function instanceSnapshot(spec: InstanceSpec): InstanceSnapshotMessage {
  const instanceId = spec.id ?? newInstanceId();
  return {
    instanceId,
    version: spec.version ?? 1,
    organizationId: 1,
    userId: 1,
    elementKey: spec.elementKey,
    name: `${spec.elementKey} ${instanceId}`,
    tags: [],
    eventsEnabled: spec.eventsEnabled ?? true,
    providerData: spec.providerData ?? {},
    configuration: {
      'event.notification.enabled': String(spec.eventsEnabled ?? true),
      'event.notification.callback.url': 'https://callbacks.example.com/events',
      ...spec.configuration,
    },
    sealedSecrets: secretBox.sealRecord(
      { ...spec.secrets, [SEALED_TOKEN_KEYS.accessToken]: 'access-token', [SEALED_TOKEN_KEYS.refreshToken]: 'refresh-token' },
      `instance:${instanceId}`,
    ),
    updatedDate: new Date().toISOString(),
  };
}

/** Publishes snapshots on the app's bus and waits until its instance view holds every one. */
export async function provideInstances(app: INestApplication, ...specs: InstanceSpec[]): Promise<number[]> {
  const snapshots = specs.map(instanceSnapshot);
  await app.get<MessageBus>(MESSAGE_BUS).publish(TOPICS.instances, snapshots.map((value) => ({ value })));
  const view = app.get(InstanceView, { strict: false });
  await waitFor(() => (snapshots.every((s) => view.get(s.instanceId)?.version === s.version) ? true : undefined), {
    timeoutMs: 20_000,
    what: 'the instance view to hold the published snapshots',
  });
  return snapshots.map((snapshot) => snapshot.instanceId);
}

/** Tombstones for instances a test made, so the compacted topic does not keep them for ever. */
export async function forgetInstances(app: INestApplication, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await app.get<MessageBus>(MESSAGE_BUS).publish(TOPICS.instances, ids.map((id) => ({ key: String(id), value: null })));
}

/** `/events/{key}/{base64(id)}`, as Open Connectors names an instance in a callback URL. */
export function instanceSegment(id: number): string {
  return Buffer.from(String(id), 'utf8').toString('base64');
}

/** Instance ids no other test run picks (instance-service's own ids stay far below). */
export const newInstanceId = testInstanceId;
