import { createHash } from 'node:crypto';
import { RawEvent } from '@connector-events/event-schema';

/** Beyond this, one resource's changes go out as several raw events (a Kafka record has a size limit). */
export const MAX_RECORDS_PER_RAW_EVENT = 1000;

export interface PolledChanges {
  readonly instanceId: number;
  readonly elementKey: string;
  readonly objectType: string;
  readonly records: readonly unknown[];
  readonly pollDate: Date;
  /** Where the poll asked from: part of the id, so a repeated identical poll gets the same one. */
  readonly since: Date;
}

/**
 * One raw polling event per resource, `{<objectType>: [records], pollDate, objectType}`, as the
 * normalizer reads it. The id is a hash of what it carries, so a poll repeated after a crash
 * that finds the same changes republishes the same raw event (and the same notification ids).
 */
export function polledRawEvents(changes: PolledChanges): RawEvent[] {
  const events: RawEvent[] = [];
  for (let start = 0; start < changes.records.length; start += MAX_RECORDS_PER_RAW_EVENT) {
    const records = changes.records.slice(start, start + MAX_RECORDS_PER_RAW_EVENT);
    const id = createHash('sha256')
      .update(JSON.stringify([changes.instanceId, changes.objectType, changes.since.getTime(), records]))
      .digest('hex');
    events.push({
      rawEventId: `poll-${id}`,
      instanceId: changes.instanceId,
      elementKey: changes.elementKey,
      source: 'polling',
      receivedAt: changes.pollDate.toISOString(),
      headers: {},
      body: { [changes.objectType]: records, pollDate: changes.pollDate.getTime(), objectType: changes.objectType },
    });
  }
  return events;
}
