import { randomBytes } from 'node:crypto';
import { BUILT_IN_CONNECTORS, ConnectorModule, ConnectorRegistry, HUBSPOT_CONNECTOR } from '@connector-events/connectors';
import { ALL_TOPICS, InProcessMessageBus, InstanceSnapshotMessage, InstanceView, TOPICS } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { WebhookInstanceDirectory } from './webhook-instance-directory';

const box = new SecretBox(randomBytes(32));

/** A connector whose routing keys look like HubSpot's, and one whose `instanceKeys` fails. */
const LOOKALIKE: ConnectorModule = {
  descriptor: { ...HUBSPOT_CONNECTOR.descriptor, elementKey: 'lookalike', aliases: [] },
  create: (dependencies) => {
    const hubspot = HUBSPOT_CONNECTOR.create(dependencies);
    return { ...hubspot, descriptor: LOOKALIKE.descriptor };
  },
};
const BROKEN: ConnectorModule = {
  descriptor: { ...HUBSPOT_CONNECTOR.descriptor, elementKey: 'broken', aliases: [] },
  create: (dependencies) => {
    const hubspot = HUBSPOT_CONNECTOR.create(dependencies);
    const webhook = hubspot.webhook;
    if (!webhook) throw new Error('HubSpot has webhooks');
    return {
      ...hubspot,
      descriptor: BROKEN.descriptor,
      webhook: Object.assign(Object.create(webhook) as typeof webhook, {
        instanceKeys: () => {
          throw new Error('odd provider data');
        },
      }),
    };
  },
};

function snapshot(id: number, elementKey: string, providerData: Record<string, string>, version = 1): InstanceSnapshotMessage {
  return {
    instanceId: id,
    version,
    organizationId: 1,
    userId: 1,
    elementKey,
    name: `i${id}`,
    tags: [],
    eventsEnabled: true,
    providerData,
    configuration: {},
    sealedSecrets: box.sealRecord({}, `instance:${id}`),
    updatedDate: '2026-01-05T10:00:00.000Z',
  };
}

describe('WebhookInstanceDirectory', () => {
  const connectors = new ConnectorRegistry({ modules: [...BUILT_IN_CONNECTORS, LOOKALIKE, BROKEN] });
  const hubspot = connectors.get('hubspot');
  let bus: InProcessMessageBus;
  let view: InstanceView;
  let directory: WebhookInstanceDirectory;

  async function publish(...messages: Array<InstanceSnapshotMessage | { key: string; value: null }>): Promise<void> {
    await bus.publish(TOPICS.instances, messages.map((m) => ('instanceId' in m ? { value: m } : m)));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  const ids = (route: { instanceIds?: number[]; providerKeys?: string[] }, adapter = hubspot): number[] =>
    directory
      .find(adapter, { instanceIds: route.instanceIds ?? [], providerKeys: route.providerKeys ?? [] })
      .map((record) => record.id)
      .sort();

  beforeEach(async () => {
    bus = new InProcessMessageBus({ topicPartitions: 3 });
    await bus.start(ALL_TOPICS);
    // Written before the view starts: the catch-up must index these too.
    await bus.publish(TOPICS.instances, [{ value: snapshot(1, 'hubspot', { hub_id: '62515' }) }, { value: snapshot(2, 'hubspot', { hub_id: '62515' }) }]);
    view = new InstanceView(bus, box, 'test.directory');
    directory = new WebhookInstanceDirectory(view, connectors);
    await view.start(5_000);
  });
  afterEach(async () => {
    await view.stop();
    await bus.close();
  });

  it('finds every instance of a provider key, including those read while catching up', async () => {
    await publish(snapshot(3, 'hubspot', { hub_id: '70000' }));
    expect(ids({ providerKeys: ['portal:62515'] })).toEqual([1, 2]);
    expect(ids({ providerKeys: ['portal:62515', 'portal:70000', 'portal:1'] })).toEqual([1, 2, 3]);
  });

  it('follows changes and deletions', async () => {
    await publish(snapshot(1, 'hubspot', { hub_id: '80000' }, 2), { key: '2', value: null });
    expect(ids({ providerKeys: ['portal:62515'] })).toEqual([]);
    expect(ids({ providerKeys: ['portal:80000'] })).toEqual([1]);
    expect(ids({ instanceIds: [2] })).toEqual([]);
  });

  it('finds named ids only among the connector’s own instances, and each instance once', async () => {
    await publish(snapshot(4, 'dropbox', { account_id: 'dbid:x' }), snapshot(5, 'hubspotcrm', {}));
    expect(ids({ instanceIds: [4] })).toEqual([]);
    expect(ids({ instanceIds: [4] }, connectors.get('dropbox'))).toEqual([4]);
    expect(ids({ instanceIds: [5, 1, 999], providerKeys: ['portal:62515'] })).toEqual([1, 2, 5]);
  });

  it('keeps each connector’s provider keys apart', async () => {
    await publish(snapshot(6, 'lookalike', { hub_id: '62515' }));
    expect(ids({ providerKeys: ['portal:62515'] })).toEqual([1, 2]);
    expect(ids({ providerKeys: ['portal:62515'] }, connectors.get('lookalike'))).toEqual([6]);
  });

  it('leaves an instance whose keys cannot be read reachable by id, without stopping the view', async () => {
    await publish(snapshot(7, 'broken', { hub_id: '1' }), snapshot(8, 'hubspot', { hub_id: '90000' }));
    expect(ids({ instanceIds: [7] }, connectors.get('broken'))).toEqual([7]);
    expect(ids({ providerKeys: ['portal:1'] }, connectors.get('broken'))).toEqual([]);
    expect(ids({ providerKeys: ['portal:90000'] })).toEqual([8]);
  });
});
