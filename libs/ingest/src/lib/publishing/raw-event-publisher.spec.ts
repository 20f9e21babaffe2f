import { RawEvent } from '@connector-events/event-schema';
import { InvalidOutgoingMessageError, MessageBus, OutgoingMessage, TOPICS } from '@connector-events/messaging';
import { IngestRejection } from '../pipeline/ingest-rejection';
import { MAX_GROUP_BYTES, RawEventPublisher } from './raw-event-publisher';

interface Send {
  readonly ids: string[];
  resolve(): void;
  reject(error: unknown): void;
}

/** A bus whose publishes the test settles by hand, recording what each carried. */
class HandBus {
  readonly sends: Send[] = [];
  /** When set, every publish settles at once with this (undefined: success). */
  auto?: (ids: string[]) => unknown;

  asBus(): MessageBus {
    return { publish: (topic: unknown, messages: readonly OutgoingMessage<RawEvent>[]) => this.publish(topic, messages) } as unknown as MessageBus;
  }

  private publish(topic: unknown, messages: readonly OutgoingMessage<RawEvent>[]): Promise<void> {
    expect(topic).toBe(TOPICS.rawEvents);
    const ids = messages.map((message) => message.value?.rawEventId ?? '');
    if (this.auto) {
      const failure = this.auto(ids);
      this.sends.push({ ids, resolve: () => undefined, reject: () => undefined });
      return failure === undefined ? Promise.resolve() : Promise.reject(failure);
    }
    return new Promise((resolve, reject) => this.sends.push({ ids, resolve, reject }));
  }
}

const event = (id: string): RawEvent => ({
  rawEventId: id,
  instanceId: 1,
  elementKey: 'hubspot',
  source: 'webhook',
  receivedAt: '2026-01-05T10:00:00.000Z',
  headers: {},
  body: {},
});
const tooLarge = (): Error => Object.assign(new Error('too large'), { type: 'MESSAGE_TOO_LARGE' });
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('RawEventPublisher', () => {
  let bus: HandBus;
  let publisher: RawEventPublisher;
  beforeEach(() => {
    bus = new HandBus();
    publisher = new RawEventPublisher(bus.asBus(), 1_000);
  });

  it('resolves a call only once its events are acknowledged, all in one publish', async () => {
    let done = false;
    const call = publisher.publish([event('a1'), event('a2')], 10).then(() => (done = true));
    await settle();
    expect(bus.sends.map((s) => s.ids)).toEqual([['a1', 'a2']]);
    expect(done).toBe(false);
    bus.sends[0]?.resolve();
    await call;
    expect(done).toBe(true);
  });

  it('groups the calls that arrive while a publish is in flight into the next one', async () => {
    const first = publisher.publish([event('a')], 10);
    const second = publisher.publish([event('b1'), event('b2')], 10);
    const third = publisher.publish([event('c')], 10);
    await settle();
    expect(bus.sends.map((s) => s.ids)).toEqual([['a']]);
    bus.sends[0]?.resolve();
    await first;
    await settle();
    expect(bus.sends.map((s) => s.ids)).toEqual([['a'], ['b1', 'b2', 'c']]);
    bus.sends[1]?.resolve();
    await Promise.all([second, third]);
  });

  it('keeps groups under the broker’s batch limit; a large call goes alone', async () => {
    const blocker = publisher.publish([event('x')], 10);
    const calls = [
      publisher.publish([event('big')], MAX_GROUP_BYTES),
      publisher.publish([event('s1')], 1000),
      publisher.publish([event('s2')], 1000),
    ];
    bus.auto = () => undefined;
    bus.sends[0]?.resolve();
    await Promise.all([blocker, ...calls]);
    expect(bus.sends.map((s) => s.ids)).toEqual([['x'], ['big'], ['s1', 's2']]);
  });

  it('fails every call of a group the broker refuses with 503, and goes on with the next', async () => {
    const first = publisher.publish([event('a')], 10);
    const second = publisher.publish([event('b')], 10);
    const third = publisher.publish([event('c')], 10);
    await settle();
    bus.sends[0]?.resolve();
    await first;
    await settle();
    bus.sends[1]?.reject(new Error('NOT_ENOUGH_REPLICAS'));
    const unavailable = new IngestRejection(503, 'bus_unavailable', 'the event could not be stored right now; nothing was accepted, please retry');
    await expect(second).rejects.toEqual(unavailable);
    await expect(third).rejects.toEqual(unavailable);
    const fourth = publisher.publish([event('d')], 10);
    await settle();
    bus.sends[2]?.resolve();
    await fourth;
  });

  it('lets only the call the broker can never take fail, with 413', async () => {
    const blocker = publisher.publish([event('x')], 10);
    const fine = publisher.publish([event('fine')], 10);
    const huge = publisher.publish([event('huge')], 10);
    bus.auto = (ids) => (ids.includes('huge') ? tooLarge() : undefined);
    bus.sends[0]?.resolve();
    await blocker;
    await expect(fine).resolves.toBeUndefined();
    await expect(huge).rejects.toEqual(new IngestRejection(413, 'too_large', 'the event is larger than the message bus accepts; it was not stored'));
    expect(bus.sends.map((s) => s.ids)).toEqual([['x'], ['fine', 'huge'], ['fine'], ['huge']]);
  });

  it('sends a fan-out one event at a time when together they exceed the broker’s limit', async () => {
    bus.auto = (ids) => (ids.length > 1 ? tooLarge() : undefined);
    await publisher.publish([event('i1'), event('i2')], 400_000);
    expect(bus.sends.map((s) => s.ids)).toEqual([['i1', 'i2'], ['i1'], ['i2']]);
  });

  it('keeps a call whose event breaks its contract from failing its neighbours', async () => {
    const blocker = publisher.publish([event('x')], 10);
    const fine = publisher.publish([event('fine')], 10);
    const broken = publisher.publish([event('broken')], 10);
    bus.auto = (ids) => (ids.includes('broken') ? new InvalidOutgoingMessageError(TOPICS.rawEvents.name, ['bad']) : undefined);
    bus.sends[0]?.resolve();
    await blocker;
    await expect(fine).resolves.toBeUndefined();
    await expect(broken).rejects.toBeInstanceOf(InvalidOutgoingMessageError);
  });

  it('answers 503 after the timeout, and the calls behind a send that hangs go on without it', async () => {
    const quick = new RawEventPublisher(bus.asBus(), 100);
    const unavailable = new IngestRejection(503, 'bus_unavailable', 'the event could not be stored right now; nothing was accepted, please retry');
    const started = Date.now();
    await expect(quick.publish([event('hangs')], 10)).rejects.toEqual(unavailable);
    expect(Date.now() - started).toBeGreaterThanOrEqual(95);
    const later = quick.publish([event('later')], 10);
    await settle();
    expect(bus.sends.map((s) => s.ids)).toEqual([['hangs'], ['later']]);
    bus.sends[1]?.resolve();
    await later;
    bus.sends[0]?.reject(new Error('request timed out'));
    await settle();
    expect(bus.sends).toHaveLength(2);
  });
});
