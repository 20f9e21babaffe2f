import { validateShape } from '@connector-events/event-schema';
import { TopicContract } from '../contracts/topic-contract';
import { IncomingMessage, StoredRecord } from './bus-message';

export type DecodeResult<T> = { ok: true; message: IncomingMessage<T> } | { ok: false; reason: string };

/** Parses and validates a record against its topic's contract; never throws. */
export function decodeRecord<T extends object>(topic: TopicContract<T>, record: StoredRecord): DecodeResult<T> {
  const base = {
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    key: record.key,
    headers: record.headers,
    timestamp: record.timestamp,
  };
  if (record.value === null) {
    return topic.compacted
      ? { ok: true, message: { ...base, value: null } }
      : { ok: false, reason: 'null value (tombstone) on a topic that is not compacted' };
  }
  let plain: unknown;
  try {
    plain = JSON.parse(record.value);
  } catch (error) {
    return { ok: false, reason: `value is not JSON: ${(error as Error).message}` };
  }
  const check = validateShape(topic.messageType, plain);
  if (!check.ok) return { ok: false, reason: `value breaks the ${topic.name} contract: ${check.problems.join('; ')}` };
  return { ok: true, message: { ...base, value: check.value } };
}
