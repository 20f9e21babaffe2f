import { connectorErrors } from '@connector-events/connectors';
import { RawEvent } from '@connector-events/event-schema';
import { InProcessMessageBus, PermanentMessageError, TOPICS, on } from '@connector-events/messaging';
import { InMemoryParkedRawEventStore } from './in-memory-parked-raw-event-store';
import { ParkedRawEventRedriver } from './parked-raw-event-redriver';
import { ProviderOutageParking } from './provider-outage-parking';

const raw = (id: string, extra: Partial<RawEvent> = {}): RawEvent => ({
  rawEventId: id,
  instanceId: 7,
  elementKey: 'dropbox',
  source: 'webhook',
  receivedAt: '2026-11-23T10:00:00.000Z',
  headers: {},
  body: { list_folder: { accounts: ['dbid:1'] } },
  ...extra,
});
const outage = () => connectorErrors.requestFailed('Dropbox', 'HTTP 503', true);

describe('ProviderOutageParking', () => {
  let now: Date;
  let store: InMemoryParkedRawEventStore;
  let parking: ProviderOutageParking;

  beforeEach(() => {
    now = new Date('2026-11-23T10:00:00.000Z');
    store = new InMemoryParkedRawEventStore();
    parking = new ProviderOutageParking(store, { inlineAttempts: 3, delaysMs: [30_000, 120_000] }, () => now);
  });

  it('lets the bus retry in place a few times, then parks the raw event with its delay and the provider error', async () => {
    const event = raw('r1');
    await expect(parking.failed(event, outage())).rejects.toThrow('HTTP 503');
    await expect(parking.failed(event, outage())).rejects.toThrow('HTTP 503');
    await expect(parking.failed(event, outage())).resolves.toBe(true);
    expect(await store.count()).toBe(1);

    const published: RawEvent[][] = [];
    expect(await store.redriveDue(new Date(now.getTime() + 29_999), 10, async (raws) => void published.push([...raws]))).toBe(0);
    expect(await store.redriveDue(new Date(now.getTime() + 30_000), 10, async (raws) => void published.push([...raws]))).toBe(1);
    expect(published).toEqual([[{ ...event, parkedAttempts: 1 }]]);
    expect(await store.count()).toBe(0);
  });

  it('waits longer at each parking, and dead-letters with the provider error after the last delay', async () => {
    const second = raw('r2', { parkedAttempts: 1 });
    for (let i = 0; i < 2; i++) await expect(parking.failed(second, outage())).rejects.toThrow();
    await parking.failed(second, outage());
    expect(await store.redriveDue(new Date(now.getTime() + 119_999), 10, async () => undefined)).toBe(0);

    const last = raw('r3', { parkedAttempts: 2 });
    for (let i = 0; i < 2; i++) await expect(parking.failed(last, outage())).rejects.toThrow();
    const gaveUp = parking.failed(last, outage());
    await expect(gaveUp).rejects.toBeInstanceOf(PermanentMessageError);
    await expect(gaveUp).rejects.toThrow('provider_unavailable: still failing after 2 parked retries: provider_request_failed: Dropbox request failed: HTTP 503');
  });

  it('never parks what is not a provider outage: bad input and our own failures go back to the bus as they are', async () => {
    const invalid = connectorErrors.payloadInvalid('not a list of events');
    const database = new Error('connection terminated');
    for (let i = 0; i < 5; i++) {
      await expect(parking.failed(raw('r4'), invalid)).rejects.toBe(invalid);
      await expect(parking.failed(raw('r5'), database)).rejects.toBe(database);
    }
    expect(await store.count()).toBe(0);
  });

  it('parks an instance\'s next raw events behind its parked one, without a provider call, and puts them back together in received order', async () => {
    const first = raw('first', { receivedAt: '2026-11-23T10:00:01.000Z' });
    for (let i = 0; i < 2; i++) await expect(parking.failed(first, outage())).rejects.toThrow();
    await parking.failed(first, outage());
    const second = raw('second', { receivedAt: '2026-11-23T10:00:02.000Z' });
    const third = raw('third', { receivedAt: '2026-11-23T10:00:02.000Z' });
    const otherInstance = raw('other', { instanceId: 8 });
    expect(await parking.parkedBehindEarlier(second)).toBe(true);
    expect(await parking.parkedBehindEarlier(third)).toBe(true);
    expect(await parking.parkedBehindEarlier(otherInstance)).toBe(false);

    const published: string[] = [];
    expect(await store.redriveDue(new Date(now.getTime() + 30_000), 10, async (raws) => void published.push(...raws.map((r) => r.rawEventId)))).toBe(3);
    expect(published).toEqual(['first', 'second', 'third']);
  });

  it('asks the store nothing once the re-driver found no parked raw event', async () => {
    parking.noteRemaining(0);
    await store.park({ raw: raw('elsewhere'), parkedAt: now, nextAttemptAt: now, lastError: 'x' });
    expect(await parking.parkedBehindEarlier(raw('next'))).toBe(false);
    parking.noteRemaining(1);
    expect(await parking.parkedBehindEarlier(raw('next'))).toBe(true);
  });

  it('starts counting again after a success', async () => {
    const event = raw('r6');
    for (let i = 0; i < 2; i++) await expect(parking.failed(event, outage())).rejects.toThrow();
    parking.succeeded(event);
    for (let i = 0; i < 2; i++) await expect(parking.failed(event, outage())).rejects.toThrow();
    expect(await store.count()).toBe(0);
  });
});

describe('ParkedRawEventRedriver', () => {
  it('puts due raw events back on the raw topic, keyed by instance, and keeps them when the publish fails', async () => {
    const store = new InMemoryParkedRawEventStore();
    const bus = new InProcessMessageBus({ topicPartitions: 2 });
    await bus.start([TOPICS.rawEvents]);
    const received: RawEvent[] = [];
    await bus.subscribe({ groupId: 'redriver-test', fromBeginning: true, handlers: [on(TOPICS.rawEvents, async (m) => void received.push(m.value as RawEvent))] });
    const past = new Date(Date.now() - 1000);
    for (const id of ['a', 'b', 'c']) await store.park({ raw: raw(id, { parkedAttempts: 1 }), parkedAt: past, nextAttemptAt: past, lastError: 'x' });
    await store.park({ raw: raw('later', { parkedAttempts: 1, instanceId: 9 }), parkedAt: past, nextAttemptAt: new Date(Date.now() + 60_000), lastError: 'x' });

    const failing = new ParkedRawEventRedriver(store, { ...bus, publish: async () => Promise.reject(new Error('broker down')) } as unknown as InProcessMessageBus, 1000);
    expect(await failing.redriveDue()).toBe(0);
    expect(await store.count()).toBe(4);

    let counted = 0;
    expect(await new ParkedRawEventRedriver(store, bus, 1000, (n) => (counted += n)).redriveDue()).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received.map((r) => r.rawEventId).sort()).toEqual(['a', 'b', 'c']);
    expect(counted).toBe(3);
    expect(await store.count()).toBe(1);
    await bus.close();
  });
});
