import { validateShape } from '@connector-events/event-schema';
import { TopicContract } from '../contracts/topic-contract';
import { OutgoingMessage } from './bus-message';

export interface EncodedMessage {
  readonly key: string;
  readonly value: string | null;
  readonly headers: Record<string, string>;
}

/** Raised when code tries to publish a message that breaks its own contract: a bug, not input. */
export class InvalidOutgoingMessageError extends Error {
  constructor(topic: string, problems: readonly string[]) {
    super(`Refusing to publish an invalid message to ${topic}: ${problems.join('; ')}`);
    this.name = 'InvalidOutgoingMessageError';
  }
}

/** Validates and serializes a message; the same path for Kafka and the in-process bus. */
export function encodeMessage<T extends object>(topic: TopicContract<T>, message: OutgoingMessage<T>): EncodedMessage {
  const headers = { 'content-type': 'application/json', 'message-type': topic.name, ...message.headers };
  if (message.value === null) {
    if (!topic.compacted) throw new InvalidOutgoingMessageError(topic.name, ['tombstones only go to compacted topics']);
    if (message.key === undefined) throw new InvalidOutgoingMessageError(topic.name, ['a tombstone needs a key']);
    return { key: message.key, value: null, headers };
  }
  const check = validateShape(topic.messageType, message.value);
  if (!check.ok) throw new InvalidOutgoingMessageError(topic.name, check.problems);
  return { key: message.key ?? topic.keyOf(message.value), value: JSON.stringify(message.value), headers };
}
