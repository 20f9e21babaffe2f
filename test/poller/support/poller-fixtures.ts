import { INestApplication } from '@nestjs/common';
import { DynamicModule, Type } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { loadConfig } from '@connector-events/config';
import { ConnectorAdapter, createConnectorRegistry, normalizePolledRecords } from '@connector-events/connectors';
import { RawEvent } from '@connector-events/event-schema';
import { InstanceSnapshotMessage, SEALED_TOKEN_KEYS } from '@connector-events/messaging';
import { POLLER_DATABASE, PollingModule, PollingOptions } from '@connector-events/polling';
import { createServiceApp } from '@connector-events/runtime';
import { SecretBox } from '@connector-events/secrets';
import { RecordedMessage, TEST_SECRETS_KEY, TopicRecorder, present, testEnvironment, uniqueName } from '@connector-events/testing';

const box = new SecretBox(Buffer.from(TEST_SECRETS_KEY, 'base64'));

/** One "minute" of `event.poller.refresh_interval` in these tests. */
export const TEST_MINUTE_MS = 1_000;

/** A tag of its own per test file: the poller under test polls only instances carrying it. */
export function testTag(): string {
  return uniqueName('poller-it');
}

export interface PolledInstance {
  readonly id: number;
  readonly elementKey: string;
  readonly tag: string;
  readonly version?: number;
  readonly eventsEnabled?: boolean;
  readonly configuration?: Record<string, string>;
  readonly secrets?: Record<string, string>;
  readonly providerData?: Record<string, string>;
  readonly tokens: { readonly accessToken: string; readonly refreshToken?: string; readonly expiresAt?: string };
  readonly updatedDate?: Date;
}

/** The snapshot instance-service would publish: events enabled for polling every minute, secrets sealed with the test key. */
export function pollerSnapshot(instance: PolledInstance): InstanceSnapshotMessage {
  const enabled = instance.eventsEnabled ?? true;
  return {
    instanceId: instance.id,
    version: instance.version ?? 1,
    organizationId: 91,
    userId: 92,
    elementKey: instance.elementKey,
    name: `${instance.elementKey} ${instance.id}`,
    tags: [instance.tag],
    eventsEnabled: enabled,
    providerData: instance.providerData ?? {},
    configuration: {
      'event.notification.enabled': String(enabled),
      'event.vendor.type': 'polling',
      'event.poller.refresh_interval': '1',
      'oauth.api.key': 'set-below',
      ...instance.configuration,
    },
    sealedSecrets: box.sealRecord(
      {
        ...instance.secrets,
        [SEALED_TOKEN_KEYS.accessToken]: instance.tokens.accessToken,
        ...(instance.tokens.refreshToken ? { [SEALED_TOKEN_KEYS.refreshToken]: instance.tokens.refreshToken } : {}),
      },
      `instance:${instance.id}`,
    ),
    ...(instance.tokens.expiresAt ? { tokenExpiresAt: instance.tokens.expiresAt } : {}),
    updatedDate: (instance.updatedDate ?? new Date()).toISOString(),
  };
}

/** The poller in this process over the real Kafka and PostgreSQL, polling only `tag`'s instances, with a one-second minute. */
export async function startPoller(
  tag: string,
  env: Record<string, string>,
  options: PollingOptions = {},
  extra: (Type | DynamicModule)[] = [],
  port = 0,
): Promise<INestApplication> {
  const config = loadConfig('poller', testEnvironment({ PORT: '0', POLLER_MINUTE_MS: String(TEST_MINUTE_MS), POLLER_INSTANCE_TAG: tag, ...env }));
  const app = await createServiceApp(config, { service: 'poller', transport: 'kafka', features: [...extra, PollingModule.register(options)] });
  await app.listen(port, '127.0.0.1');
  return app;
}

export function pollerDataSource(app: INestApplication): DataSource {
  return app.get<DataSource>(getDataSourceToken(POLLER_DATABASE.name));
}

/** The raw polling events of one instance, in order. */
export function polledRawEvents(recorder: TopicRecorder, instanceId: number): RawEvent[] {
  return recorder.withKey(String(instanceId)).map((message: RecordedMessage) => message.value as RawEvent).filter((raw) => raw.source === 'polling');
}

export interface ReportedChange {
  readonly objectType: string;
  readonly id: string;
  readonly type: string;
}

/** What the normalizer makes of the raw events: the same change detection, from the epoch. */
export function reportedChanges(adapter: ConnectorAdapter, raws: readonly RawEvent[]): ReportedChange[] {
  return raws.flatMap((raw) => {
    const objectType = String(raw.body['objectType']);
    const records = raw.body[objectType] as unknown[];
    const configuration = present(present(adapter.polling).configuration([objectType])[objectType]);
    const normalized = normalizePolledRecords({ descriptor: adapter.descriptor, objectType, records, configuration, since: new Date(0), pollDate: new Date(Number(raw.body['pollDate'])) });
    return normalized.events.map((event) => ({ objectType, id: event.objectId, type: event.eventType }));
  });
}

export function adapterFor(elementKey: string, baseUrl: string): ConnectorAdapter {
  return createConnectorRegistry({ providerBaseUrls: { [elementKey]: baseUrl } }).get(elementKey);
}

export { testInstanceId } from '@connector-events/testing';
