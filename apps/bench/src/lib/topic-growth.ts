import { AnyTopicContract, MessageBus } from '@connector-events/messaging';

/** Messages on a topic so far, all partitions together (the sum of their end offsets). */
export async function topicSize(bus: MessageBus, topic: AnyTopicContract): Promise<bigint> {
  let total = 0n;
  for (const end of (await bus.endOffsets(topic)).values()) total += end;
  return total;
}
