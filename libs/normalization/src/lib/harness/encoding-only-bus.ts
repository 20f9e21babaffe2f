import { AnyTopicContract, BusHealth, MessageBus, OutgoingMessage, Subscription, TopicContract, encodeMessage } from '@connector-events/messaging';

/**
 * A bus that validates and serializes every message exactly as the real buses do, counts it,
 * and drops it: the normalizer's own cost, without a broker and without keeping what it made.
 */
export class EncodingOnlyBus implements MessageBus {
  readonly published = new Map<string, number>();
  bytes = 0;

  async start(): Promise<void> {
    return undefined;
  }

  async publish<T extends object>(topic: TopicContract<T>, messages: readonly OutgoingMessage<T>[]): Promise<void> {
    for (const message of messages) this.bytes += encodeMessage(topic, message).value?.length ?? 0;
    this.published.set(topic.name, (this.published.get(topic.name) ?? 0) + messages.length);
  }

  async subscribe(): Promise<Subscription> {
    throw new Error('EncodingOnlyBus only publishes');
  }

  async endOffsets(_topic: AnyTopicContract): Promise<Map<number, bigint>> {
    return new Map();
  }

  async health(): Promise<BusHealth> {
    return { up: true, detail: 'encoding only' };
  }

  async close(): Promise<void> {
    return undefined;
  }
}
