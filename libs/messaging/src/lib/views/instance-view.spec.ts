import { randomBytes } from 'node:crypto';
import { SecretBox } from '@connector-events/secrets';
import { InProcessMessageBus } from '../in-process/in-process-message-bus';
import { ALL_TOPICS, TOPICS } from '../contracts/topics';
import { InstanceSnapshotMessage } from '../contracts/instance-snapshot.message';
import { InstanceView } from './instance-view';

const box = new SecretBox(randomBytes(32));

function snapshot(id: number, version: number, extra: Partial<InstanceSnapshotMessage> = {}): InstanceSnapshotMessage {
  return {
    instanceId: id,
    version,
    organizationId: 1,
    userId: 2,
    elementKey: 'hubspot',
    name: `i${id}v${version}`,
    tags: [],
    eventsEnabled: true,
    providerData: { hub_id: '62515' },
    configuration: { 'event.notification.callback.url': 'https://x' },
    sealedSecrets: box.sealRecord({ 'oauth.api.secret': 's', 'oauth.access_token': 'at', 'oauth.refresh_token': 'rt' }, `instance:${id}`),
    updatedDate: '2026-11-23T10:00:00.000Z',
    ...extra,
  };
}

describe('InstanceView', () => {
  let bus: InProcessMessageBus;
  beforeEach(async () => {
    bus = new InProcessMessageBus({ topicPartitions: 3 });
    await bus.start(ALL_TOPICS);
  });
  afterEach(() => bus.close());

  it('is caught up with everything written before start, secrets opened and tokens apart', async () => {
    await bus.publish(TOPICS.instances, [{ value: snapshot(1, 1) }, { value: snapshot(2, 1) }, { value: snapshot(1, 3) }]);
    await bus.publish(TOPICS.instances, [{ key: '2', value: null }]);
    const view = new InstanceView(bus, box, 'test.instances');
    await view.start(5_000);
    expect(view.ready).toBe(true);
    expect(view.get(2)).toBeUndefined();
    expect(view.get(1)).toMatchObject({
      version: 3,
      name: 'i1v3',
      configuration: { 'event.notification.callback.url': 'https://x', 'oauth.api.secret': 's' },
      tokens: { accessToken: 'at', refreshToken: 'rt' },
    });
    expect(view.get(1)?.configuration).not.toHaveProperty('oauth.access_token');
    await view.stop();
  });

  it('starts at once on an empty topic, then follows changes, ignoring older versions and foreign keys', async () => {
    const view = new InstanceView(bus, box, 'test.instances');
    await view.start(5_000);
    const changes: Array<[number, string | undefined]> = [];
    view.onChange((id, record) => {
      changes.push([id, record?.name]);
    });
    const foreign = new SecretBox(randomBytes(32));
    await bus.publish(TOPICS.instances, [
      { value: snapshot(5, 2) },
      { value: snapshot(5, 1) },
      { value: snapshot(6, 1, { sealedSecrets: foreign.sealRecord({}, 'instance:6') }) },
      { key: '5', value: null },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(changes).toEqual([
      [5, 'i5v2'],
      [5, undefined],
    ]);
    expect(view.get(6)).toBeUndefined();
    await view.stop();
  });

  describe('settle: waits only while the view is behind the topic', () => {
    it('gives an instance published a moment ago once the view has read it', async () => {
      const view = new InstanceView(bus, box, 'test.instances');
      await view.start(5_000);
      await bus.publish(TOPICS.instances, [{ value: snapshot(7, 1) }]);
      expect((await view.settle(7, 5_000))?.name).toBe('i7v1');
      await view.stop();
    });

    it('answers at once for an instance that does not exist, or whose secrets do not open here', async () => {
      const view = new InstanceView(bus, box, 'test.instances');
      await view.start(5_000);
      const foreign = new SecretBox(randomBytes(32));
      await bus.publish(TOPICS.instances, [{ value: snapshot(8, 1, { sealedSecrets: foreign.sealRecord({}, 'instance:8') }) }]);
      // A patience far beyond the test's own timeout: waiting it out would fail the test.
      expect(await view.settle(8, 600_000)).toBeUndefined();
      expect(await view.settle(9, 600_000)).toBeUndefined();
      await view.stop();
    }, 10_000);
  });
});
