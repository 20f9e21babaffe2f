import { DeliverySource, EventObjectTally, TalliedDelivery, eventObjectKeysOf } from './event-object-tally';
import { eventObjectKey } from './steady-webhook-stream';

/** Deliveries fed by hand, with the receiver's "first of its event id" rule (2xx only). */
class FakeSource implements DeliverySource {
  private listener?: (delivery: TalliedDelivery, first: boolean) => void;
  private readonly seen = new Set<string>();

  onDelivery(listener: (delivery: TalliedDelivery, first: boolean) => void): () => void {
    this.listener = listener;
    return () => (this.listener = undefined);
  }

  deliver(eventId: string, instanceId: number, objectIds: string[], status = 200): void {
    const first = status < 300 && !this.seen.has(eventId);
    if (first) this.seen.add(eventId);
    const body = { message: { eventId, instanceId, events: objectIds.map((objectId) => ({ objectType: 'contacts', objectId, eventType: 'CREATED' })) } };
    this.listener?.({ status, eventId, body }, first);
  }
}

describe('EventObjectTally', () => {
  const key = (objectId: string, instanceId = 7): string => eventObjectKey(instanceId, 'contacts', objectId);

  it('counts event objects, not notifications, and drops repeats of a message.eventId', () => {
    const source = new FakeSource();
    const tally = new EventObjectTally().attach(source);
    source.deliver('n1', 7, ['1', '2']);
    source.deliver('n1', 7, ['1', '2']); // redelivered: a duplicate, nothing new
    source.deliver('n2', 7, ['3']);
    expect(tally.countsFor([key('1'), key('2'), key('3'), key('4')])).toEqual({
      sent: 4,
      delivered: 3,
      missing: 1,
      notifications: 3,
      duplicateNotifications: 1,
      repeatedAfterDedup: 0,
      unexpected: 0,
    });
    expect(tally.missingOf([key('1'), key('4')])).toEqual([key('4')]);
  });

  it('reports an event object that arrives under two different event ids, and objects nobody sent', () => {
    const source = new FakeSource();
    const tally = new EventObjectTally().attach(source);
    source.deliver('n1', 7, ['1']);
    source.deliver('n2', 7, ['1', '9']);
    source.deliver('n3', 8, ['1']); // another instance's object 1 is another event object
    const counts = tally.countsFor([key('1')]);
    expect(counts.repeatedAfterDedup).toBe(1);
    expect(counts.unexpected).toBe(2);
  });

  it('ignores deliveries answered with an error status (the notifier tries them again)', () => {
    const source = new FakeSource();
    const tally = new EventObjectTally().attach(source);
    source.deliver('n1', 7, ['1'], 503);
    expect(tally.countsFor([key('1')])).toMatchObject({ delivered: 0, missing: 1, notifications: 0 });
    source.deliver('n1', 7, ['1']);
    expect(tally.countsFor([key('1')])).toMatchObject({ delivered: 1, missing: 0, notifications: 1, duplicateNotifications: 0 });
  });

  it('stops counting once closed', () => {
    const source = new FakeSource();
    const tally = new EventObjectTally().attach(source);
    tally.close();
    source.deliver('n1', 7, ['1']);
    expect(tally.countsFor([key('1')]).delivered).toBe(0);
  });
});

describe('eventObjectKeysOf', () => {
  it('reads message.instanceId and message.events[], and nothing from other bodies', () => {
    expect(eventObjectKeysOf({ message: { instanceId: 3, events: [{ objectType: 'deals', objectId: '42' }, { objectType: 'deals' }] } })).toEqual([
      eventObjectKey(3, 'deals', '42'),
    ]);
    expect(eventObjectKeysOf({ message: { instanceId: '3', events: [] } })).toEqual([]);
    expect(eventObjectKeysOf('not json')).toEqual([]);
    expect(eventObjectKeysOf(undefined)).toEqual([]);
  });
});
