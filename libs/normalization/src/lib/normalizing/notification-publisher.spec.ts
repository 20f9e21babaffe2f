import { EventNotification, EventObject } from '@connector-events/event-schema';
import { InstanceRecord, OutgoingMessage, PermanentMessageError, TopicContract } from '@connector-events/messaging';
import { EncodingOnlyBus } from '../harness/encoding-only-bus';
import { eventObjectMessages, notificationPages } from './notification-pages';
import { NotificationPublisher } from './notification-publisher';

/** The topics' record limit in these tests. */
const MAX_BYTES = 1_000_000;

class SendCountingBus extends EncodingOnlyBus {
  readonly sends: [string, number][] = [];

  override async publish<T extends object>(topic: TopicContract<T>, messages: readonly OutgoingMessage<T>[]): Promise<void> {
    await super.publish(topic, messages);
    this.sends.push([topic.name, messages.length]);
  }
}

const instance: InstanceRecord = {
  id: 9,
  version: 1,
  organizationId: 1,
  userId: 1,
  elementKey: 'hubspot',
  name: 'h',
  tags: [],
  eventsEnabled: true,
  configuration: {},
  providerData: {},
  tokens: {},
  updatedDate: '2026-01-01T00:00:00.000Z',
};

function pages(rawBytes: number, events: number): EventNotification[] {
  const list: EventObject[] = Array.from({ length: events }, (_, i) => ({
    objectType: 'contacts',
    objectId: String(i),
    eventType: 'CREATED' as const,
    elementKey: 'hubspot',
    hubKey: 'crm',
    date: '2026-01-01T00:00:00.000Z',
  }));
  return notificationPages({ instance, rawEventId: 'r', source: 'webhook', receivedAt: new Date(), raw: { padding: 'x'.repeat(rawBytes) }, events: list });
}

describe('NotificationPublisher', () => {
  it('sends small notifications together, and large ones in sends that stay under what Kafka takes', async () => {
    const bus = new SendCountingBus();
    const small = pages(1_000, 100);
    await new NotificationPublisher(bus, MAX_BYTES).publish(small, eventObjectMessages(small));
    expect(bus.sends).toEqual([
      ['oc.events.notifications.v1', 5],
      ['oc.events.objects.v1', 100],
    ]);

    bus.sends.length = 0;
    const large = pages(300_000, 100);
    await new NotificationPublisher(bus, MAX_BYTES).publish(large, []);
    expect(bus.sends.map(([, count]) => count)).toEqual([1, 1, 1, 1, 1]);
  });

  it('dead-letters a raw event whose notifications could never be written to Kafka', async () => {
    const huge = pages(MAX_BYTES + 1, 1);
    await expect(new NotificationPublisher(new EncodingOnlyBus(), MAX_BYTES).publish(huge, [])).rejects.toThrow(PermanentMessageError);
    await expect(new NotificationPublisher(new EncodingOnlyBus(), 2 * MAX_BYTES).publish(huge, [])).resolves.toBeUndefined();
  });
});
