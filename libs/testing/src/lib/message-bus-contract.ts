import {
  AnyTopicContract,
  DeliveryAttemptMessage,
  defineTopic,
  IncomingMessage,
  MessageBus,
  on,
  PermanentMessageError,
  Subscription,
  TopicContract,
} from '@connector-events/messaging';
import { uniqueName } from './unique-name';
import { waitFor } from './wait-for';

/** How a contract suite gets a bus: a fresh one per "process", all talking to the same log. */
export interface BusFactory {
  /** A new bus instance (a new process, for Kafka); the suite closes it. */
  create(): Promise<MessageBus>;
  /** Raw bytes straight onto a topic, bypassing the bus's own validation. */
  publishRaw(topic: string, key: string, value: string): Promise<void>;
  /** Everything on a topic, decoded as text. */
  readAll(topic: string): Promise<Array<{ key: string | null; value: string | null; headers: Record<string, string> }>>;
}

/** A throw-away topic carrying delivery attempts, so suites never share state. */
export function scratchTopic(): TopicContract<DeliveryAttemptMessage> {
  return defineTopic({
    name: `test.${uniqueName('bus')}.v1`,
    messageType: DeliveryAttemptMessage,
    compacted: false,
    description: 'scratch topic of a test',
    keyOf: (m) => String(m.instanceId),
  });
}

export function attempt(instanceId: number, n: number): DeliveryAttemptMessage {
  return {
    instanceId,
    eventId: `event-${n}`,
    attempt: n,
    outcome: 'DELIVERED',
    attemptedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, n)).toISOString(),
    durationMs: n,
  };
}

/**
 * The guarantees every MessageBus gives its handlers (see message-bus.ts). Run against Kafka
 * and against the in-process bus, so the embedded mode behaves like production.
 */
export function describeMessageBusContract(name: string, factory: () => BusFactory): void {
  describe(`MessageBus contract: ${name}`, () => {
    const opened: MessageBus[] = [];
    const subscriptions: Subscription[] = [];
    let buses: BusFactory;

    const open = async (topic: AnyTopicContract): Promise<MessageBus> => {
      const bus = await buses.create();
      opened.push(bus);
      await bus.start([topic]);
      return bus;
    };
    const collect = async (
      bus: MessageBus,
      topic: TopicContract<DeliveryAttemptMessage>,
      groupId: string,
      received: IncomingMessage<DeliveryAttemptMessage>[],
      handle: (m: IncomingMessage<DeliveryAttemptMessage>) => Promise<void> = async () => undefined,
    ): Promise<Subscription> => {
      const subscription = await bus.subscribe({
        groupId,
        fromBeginning: true,
        handlers: [
          on(topic, async (message) => {
            await handle(message);
            received.push(message);
          }),
        ],
      });
      subscriptions.push(subscription);
      return subscription;
    };
    const eventIds = (messages: IncomingMessage<DeliveryAttemptMessage>[]): string[] =>
      messages.map((m) => m.value?.eventId ?? 'null');

    beforeEach(() => {
      buses = factory();
    });
    afterEach(async () => {
      await Promise.allSettled(subscriptions.splice(0).map((s) => s.stop()));
      await Promise.allSettled(opened.splice(0).map((b) => b.close()));
    });

    it('keeps committed offsets across a consumer restart, and a second group reads everything', async () => {
      const topic = scratchTopic();
      const group = uniqueName('group');
      const producer = await open(topic);

      const firstRun: IncomingMessage<DeliveryAttemptMessage>[] = [];
      const first = await collect(producer, topic, group, firstRun);
      await producer.publish(topic, [1, 2, 3, 4, 5].map((n) => ({ value: attempt(7, n) })));
      await waitFor(() => (firstRun.length >= 5 ? true : undefined), { what: 'first five messages' });
      await first.stop();

      await producer.publish(topic, [6, 7, 8].map((n) => ({ value: attempt(7, n) })));
      const restarted = await open(topic);
      const secondRun: IncomingMessage<DeliveryAttemptMessage>[] = [];
      await collect(restarted, topic, group, secondRun);
      await waitFor(() => (secondRun.length >= 3 ? true : undefined), { what: 'three new messages' });

      const otherGroup: IncomingMessage<DeliveryAttemptMessage>[] = [];
      await collect(await open(topic), topic, uniqueName('other'), otherGroup);
      await waitFor(() => (otherGroup.length >= 8 ? true : undefined), { what: 'all eight in the second group' });
      await new Promise((resolve) => setTimeout(resolve, 300));

      expect(eventIds(firstRun)).toEqual(['event-1', 'event-2', 'event-3', 'event-4', 'event-5']);
      expect(eventIds(secondRun)).toEqual(['event-6', 'event-7', 'event-8']);
      expect(eventIds(otherGroup)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((n) => `event-${n}`));
      expect(otherGroup.every((m) => m.key === '7')).toBe(true);
    });

    it('retries a failing handler without skipping or reordering the partition', async () => {
      const topic = scratchTopic();
      const bus = await open(topic);
      let failuresLeft = 2;
      const calls: string[] = [];
      const received: IncomingMessage<DeliveryAttemptMessage>[] = [];
      await collect(bus, topic, uniqueName('group'), received, async (message) => {
        calls.push(message.value?.eventId ?? 'null');
        if (message.value?.eventId === 'event-1' && failuresLeft-- > 0) throw new Error('database is down');
      });
      await bus.publish(topic, [1, 2, 3].map((n) => ({ value: attempt(9, n) })));
      await waitFor(() => (received.length >= 3 ? true : undefined), { what: 'three handled messages' });

      expect(calls).toEqual(['event-1', 'event-1', 'event-1', 'event-2', 'event-3']);
      expect(eventIds(received)).toEqual(['event-1', 'event-2', 'event-3']);
    });

    it('dead-letters a message that breaks its contract and moves on', async () => {
      const topic = scratchTopic();
      const bus = await open(topic);
      const received: IncomingMessage<DeliveryAttemptMessage>[] = [];
      await collect(bus, topic, uniqueName('group'), received);
      await buses.publishRaw(topic.name, '3', '{"instanceId": "not a number"}');
      await buses.publishRaw(topic.name, '3', 'not json at all');
      await bus.publish(topic, [{ value: attempt(3, 1) }]);
      await waitFor(() => (received.length >= 1 ? true : undefined), { what: 'the valid message' });

      const dead = await waitFor(async () => {
        const records = await buses.readAll(`${topic.name}.dlq`);
        return records.length >= 2 ? records : undefined;
      }, { what: 'two dead letters' });
      expect(eventIds(received)).toEqual(['event-1']);
      expect(dead.map((d) => d.value)).toEqual(['{"instanceId": "not a number"}', 'not json at all']);
      expect(dead[0].headers['dlq-reason']).toMatch(/instanceId/);
      expect(dead[1].headers['dlq-reason']).toMatch(/not JSON/);
      expect(dead[0].headers['dlq-source-topic']).toBe(topic.name);
    });

    it('dead-letters a message its handler rejects for good', async () => {
      const topic = scratchTopic();
      const bus = await open(topic);
      const received: IncomingMessage<DeliveryAttemptMessage>[] = [];
      await collect(bus, topic, uniqueName('group'), received, async (message) => {
        if (message.value?.eventId === 'event-1') throw new PermanentMessageError('unknown connector');
      });
      await bus.publish(topic, [1, 2].map((n) => ({ value: attempt(4, n) })));
      await waitFor(() => (received.length >= 1 ? true : undefined), { what: 'the second message' });
      const dead = await waitFor(async () => {
        const records = await buses.readAll(`${topic.name}.dlq`);
        return records.length >= 1 ? records : undefined;
      }, { what: 'a dead letter' });

      expect(eventIds(received)).toEqual(['event-2']);
      expect(dead[0].headers['dlq-reason']).toBe('unknown connector');
    });

    it('refuses to publish a message that breaks its own contract', async () => {
      const topic = scratchTopic();
      const bus = await open(topic);
      const broken = { ...attempt(1, 1), outcome: 'MAYBE' } as unknown as DeliveryAttemptMessage;
      await expect(bus.publish(topic, [{ value: broken }])).rejects.toThrow(/outcome/);
    });

    it('reports end offsets that match what was written, so a reader knows when it has caught up', async () => {
      const topic = scratchTopic();
      const bus = await open(topic);
      const empty = await bus.endOffsets(topic);
      expect([...empty.values()].reduce((sum, offset) => sum + offset, 0n)).toBe(0n);
      await bus.publish(topic, [1, 2, 3, 4, 5].map((n) => ({ value: attempt(n, n) })));
      const ends = await bus.endOffsets(topic);
      expect([...ends.values()].reduce((sum, offset) => sum + offset, 0n)).toBe(5n);
      const received: IncomingMessage<DeliveryAttemptMessage>[] = [];
      await collect(bus, topic, uniqueName('group'), received);
      await waitFor(() => (received.length === 5 ? true : undefined), { what: 'all five messages' });
      for (const message of received) expect(BigInt(message.offset)).toBeLessThan(ends.get(message.partition) ?? 0n);
    });

    it('reports itself healthy once started', async () => {
      const bus = await open(scratchTopic());
      await expect(bus.health()).resolves.toEqual(expect.objectContaining({ up: true }));
    });
  });
}
