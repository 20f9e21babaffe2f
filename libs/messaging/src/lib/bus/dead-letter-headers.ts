import { StoredRecord } from './bus-message';

/** Headers that tell an operator where a dead letter came from and why. */
export function deadLetterHeaders(record: StoredRecord, groupId: string, reason: string): Record<string, string> {
  return {
    ...record.headers,
    'dlq-reason': reason.slice(0, 2000),
    'dlq-source-topic': record.topic,
    'dlq-source-partition': String(record.partition),
    'dlq-source-offset': record.offset,
    'dlq-consumer-group': groupId,
    'dlq-at': new Date().toISOString(),
  };
}
