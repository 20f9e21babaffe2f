import { AnyTopicContract, TopicContract } from '../contracts/topic-contract';
import { OutgoingMessage } from './bus-message';
import { Subscription, SubscriptionSpec } from './subscription';

export interface BusHealth {
  readonly up: boolean;
  readonly detail: string;
}

/**
 * The one messaging interface the services use. Kafka in distributed mode, an in-process log
 * in embedded mode; both give the same guarantees to handlers:
 * - `publish` resolves only when every message is durably appended (Kafka: acks=all);
 * - a handler sees one partition's messages in order, and its offset is committed only after
 *   its promise resolves (at-least-once);
 * - a message that fails its contract, or whose handler throws PermanentMessageError, goes
 *   to `<topic>.dlq`; any other failure is retried with backoff.
 */
export interface MessageBus {
  /** Creates the topics (and their dead-letter topics) if missing, and connects the producer. */
  start(topics: readonly AnyTopicContract[]): Promise<void>;
  publish<T extends object>(topic: TopicContract<T>, messages: readonly OutgoingMessage<T>[]): Promise<void>;
  subscribe(spec: SubscriptionSpec): Promise<Subscription>;
  /**
   * Per partition, the offset the next message will get (Kafka's high watermark): a consumer
   * that has handled offset `end - 1` of every partition has read everything written so far.
   */
  endOffsets(topic: AnyTopicContract): Promise<Map<number, bigint>>;
  health(): Promise<BusHealth>;
  close(): Promise<void>;
}

/** Nest injection token for the process's {@link MessageBus}. */
export const MESSAGE_BUS = Symbol('MESSAGE_BUS');
