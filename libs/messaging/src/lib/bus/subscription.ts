import { TopicContract } from '../contracts/topic-contract';
import { IncomingMessage } from './bus-message';

export interface TopicHandler<T extends object> {
  readonly topic: TopicContract<T>;
  readonly handle: (message: IncomingMessage<T>) => Promise<void>;
}

/** Binds a handler to a topic with the topic's message type. */
export function on<T extends object>(
  topic: TopicContract<T>,
  handle: (message: IncomingMessage<T>) => Promise<void>,
): TopicHandler<T> {
  return { topic, handle };
}

export interface SubscriptionSpec {
  /** One consumer group per service (`normalizer`, `notifier`, …); replicas share it. */
  readonly groupId: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- handlers of different message types
  readonly handlers: readonly TopicHandler<any>[];
  /** Where a group with no committed offset starts; compacted state topics want true. */
  readonly fromBeginning?: boolean;
}

export interface Subscription {
  readonly groupId: string;
  /** Stops after the message in hand; its offset is committed only if it was handled. */
  stop(): Promise<void>;
}
