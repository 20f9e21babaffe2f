import { randomUUID } from 'node:crypto';
import { RawEvent } from '@connector-events/event-schema';
import { InstanceRecord, InstanceSnapshotMessage, SEALED_TOKEN_KEYS, openInstanceSnapshot } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { TEST_SECRETS_KEY } from '@connector-events/testing';

const box = new SecretBox(Buffer.from(TEST_SECRETS_KEY, 'base64'));

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


export { testInstanceId } from '@connector-events/testing';
