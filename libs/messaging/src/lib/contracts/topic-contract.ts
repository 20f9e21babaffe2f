import { ClassConstructor } from 'class-transformer';

/**
 * A Kafka topic and the one message type it carries. Names end in `.vN`: a breaking change
 * to the message is a new topic, never an edit of this one.
 */
export interface TopicContract<T extends object> {
  readonly name: string;
  readonly messageType: ClassConstructor<T>;
  /** Compacted topics keep the last value per key; a null value (tombstone) deletes the key. */
  readonly compacted: boolean;
  readonly description: string;
  /** Every topic is keyed by instance id, so one instance's messages stay in order. */
  readonly keyOf: (message: T) => string;
}

/** Any topic, whatever its message type (lists of topics to provision or subscribe to). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers are typed per topic by `on()`
export type AnyTopicContract = TopicContract<any>;

export function defineTopic<T extends object>(contract: TopicContract<T>): TopicContract<T> {
  return Object.freeze(contract);
}

/** Messages that fail their contract, or that a handler rejects for good, go here with the reason. */
export function deadLetterTopicOf(topic: string): string {
  return `${topic}.dlq`;
}
