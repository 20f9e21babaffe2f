import { INestApplication } from '@nestjs/common';
import { randomBytes, randomInt } from 'node:crypto';
import { AppConfig } from '@connector-events/config';
import { InstanceSnapshotMessage, InstanceView, MESSAGE_BUS, MessageBus, TOPICS } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';

export interface BenchInstance {
  readonly id: number;
  readonly portalId: number;
}

export interface BenchInstances {
  readonly clientSecret: string;
  readonly instances: readonly BenchInstance[];
}

/**
 * `count` HubSpot instances of one app, each in its own portal, put on `oc.instances.v1` as
 * instance-service would (secrets sealed), and waited for in the service's instance view.
 * Ids and portals are random so that runs never route to each other's instances.
 */
export async function seedHubSpotInstances(app: INestApplication, config: AppConfig, count: number): Promise<BenchInstances> {
  const clientSecret = randomBytes(18).toString('base64url');
  const box = new SecretBox(config.secretsKey);
  const instances = Array.from({ length: count }, () => ({ id: randomInt(2_000_000_000, 2 ** 31 - 1), portalId: randomInt(100_000_000, 999_999_999) }));
  const snapshots: InstanceSnapshotMessage[] = instances.map(({ id, portalId }) => ({
    instanceId: id,
    version: 1,
    organizationId: 1,
    userId: 1,
    elementKey: 'hubspot',
    name: `bench ${id}`,
    tags: ['bench'],
    eventsEnabled: true,
    providerData: { hub_id: String(portalId) },
    configuration: { 'event.notification.enabled': 'true', 'event.notification.callback.url': 'https://callbacks.bench.example/events' },
    sealedSecrets: box.sealRecord({ 'oauth.api.secret': clientSecret, 'oauth.access_token': 'bench' }, `instance:${id}`),
    updatedDate: new Date().toISOString(),
  }));
  await app.get<MessageBus>(MESSAGE_BUS).publish(TOPICS.instances, snapshots.map((value) => ({ value })));
  const view = app.get(InstanceView, { strict: false });
  const deadline = Date.now() + 30_000;
  while (!instances.every(({ id }) => view.get(id) !== undefined)) {
    if (Date.now() > deadline) throw new Error('the instance view did not receive the bench instances within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { clientSecret, instances };
}

/** Tombstones, so the compacted topic does not keep bench instances. */
export async function removeBenchInstances(app: INestApplication, instances: readonly BenchInstance[]): Promise<void> {
  await app.get<MessageBus>(MESSAGE_BUS).publish(TOPICS.instances, instances.map(({ id }) => ({ key: String(id), value: null })));
}
