import { EventType } from '@connector-events/event-schema';
import { connectorErrors } from '../../core/connector-errors';
import { idText, isRecord, readPath } from '../../webhooks/webhook-json';
import { isRealmId } from './quickbooks-realm';

/**
 * Intuit sends two webhook body formats, both accepted: the legacy
 * `{"eventNotifications":[{realmId, dataChangeEvent:{entities:[…]}}]}` and, since the 2025-26
 * migration, a CloudEvents JSON array (`type: "qbo.customer.created.v1"`, `intuitaccountid`,
 * `intuitentityid`). Both are read into one list of changes here, so routing, deduplication and
 * normalizing cannot disagree about what a body says.
 */
export type QuickBooksFormat = 'legacy' | 'cloudevents';

/** One entity change, read leniently: a field that is missing or of the wrong type is undefined. */
export interface QuickBooksChange {
  readonly realmId?: string;
  /** The entity name as Intuit spells it (`Customer`), or as the CloudEvents type has it (`customer`). */
  readonly entityName?: string;
  readonly entityId?: string;
  readonly eventType: EventType;
  /** `lastUpdated` (legacy) or `time` (CloudEvents). */
  readonly date?: string;
  /** A merge's loser, which no longer exists (CloudEvents `data.deletedid`). */
  readonly mergedAwayId?: string;
  /** What identifies this change across retries; undefined when the body gives nothing to go on. */
  readonly dedupeKey?: string;
}

export interface QuickBooksNotification {
  readonly format: QuickBooksFormat;
  readonly changes: readonly QuickBooksChange[];
}

/**
 * Intuit sets no limit on events per delivery; this one keeps a hostile body from costing more
 * than a large burst of real changes would.
 */
export const MAX_CHANGES_PER_CALL = 10_000;

const LEGACY_OPERATIONS = new Map<string, EventType>([
  ['create', 'CREATED'],
  ['update', 'UPDATED'],
  ['delete', 'DELETED'],
  // A merge, void or email changes the entity, which still exists.
  ['merge', 'UPDATED'],
  ['void', 'UPDATED'],
  ['emailed', 'UPDATED'],
]);

const CLOUD_EVENT_VERBS = new Map<string, EventType>([
  ['created', 'CREATED'],
  ['updated', 'UPDATED'],
  ['deleted', 'DELETED'],
  ['merged', 'UPDATED'],
  ['voided', 'UPDATED'],
  ['emailed', 'UPDATED'],
]);

/** `qbo.<entity>.<past-tense operation>.v<n>`. */
const CLOUD_EVENT_TYPE = /^qbo\.([a-z][a-z0-9]{0,63})\.([a-z]{1,32})\.v\d{1,4}$/;

/** Reads either format; throws `webhook_payload_invalid` only for a body that is neither, or too large. */
export function readNotification(body: unknown): QuickBooksNotification {
  if (Array.isArray(body)) return { format: 'cloudevents', changes: readCloudEvents(body) };
  if (isRecord(body) && Array.isArray(body['eventNotifications'])) {
    return { format: 'legacy', changes: readLegacy(body['eventNotifications']) };
  }
  throw connectorErrors.payloadInvalid(
    'a QuickBooks notification is either an object with eventNotifications (an array) or a CloudEvents array; ' +
      (isRecord(body) ? 'eventNotifications is missing or not an array' : 'the body is neither'),
  );
}

function readLegacy(notifications: unknown[]): QuickBooksChange[] {
  if (notifications.length > MAX_CHANGES_PER_CALL) throw tooMany('eventNotifications');
  const changes: QuickBooksChange[] = [];
  for (const notification of notifications) {
    const entities = readPath(notification, 'dataChangeEvent.entities');
    if (!isRecord(notification) || !Array.isArray(entities)) continue;
    if (changes.length + entities.length > MAX_CHANGES_PER_CALL) throw tooMany('eventNotifications[].dataChangeEvent.entities');
    const realmId = isRealmId(notification['realmId']) ? notification['realmId'] : undefined;
    for (const entity of entities) {
      if (!isRecord(entity)) continue;
      const operation = text(entity['operation']);
      const name = text(entity['name']);
      const id = idText(entity['id']);
      const lastUpdated = text(entity['lastUpdated']);
      changes.push({
        realmId,
        entityName: name,
        entityId: id,
        eventType: (operation && LEGACY_OPERATIONS.get(operation.toLowerCase())) || 'UNKNOWN',
        date: lastUpdated,
        // Legacy bodies carry no ids of their own; Intuit's retry resends the same tuples.
        dedupeKey: JSON.stringify([realmId ?? null, name ?? null, id ?? null, operation ?? null, lastUpdated ?? null]),
      });
    }
  }
  return changes;
}

function readCloudEvents(events: unknown[]): QuickBooksChange[] {
  if (events.length > MAX_CHANGES_PER_CALL) throw tooMany('the CloudEvents array');
  const changes: QuickBooksChange[] = [];
  for (const event of events) {
    if (!isRecord(event)) continue;
    const type = CLOUD_EVENT_TYPE.exec(text(event['type'])?.toLowerCase() ?? '');
    const id = text(event['id']);
    const source = text(event['source']);
    const data = event['data'];
    changes.push({
      realmId: isRealmId(event['intuitaccountid']) ? event['intuitaccountid'] : undefined,
      entityName: type?.[1],
      entityId: idText(event['intuitentityid']),
      eventType: (type && CLOUD_EVENT_VERBS.get(type[2] ?? '')) || 'UNKNOWN',
      date: text(event['time']),
      mergedAwayId: type?.[2] === 'merged' && isRecord(data) ? idText(data['deletedid']) : undefined,
      // CloudEvents: `id` is unique within `source`.
      dedupeKey: id ? JSON.stringify([source ?? null, id]) : undefined,
    });
  }
  return changes;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function tooMany(where: string) {
  return connectorErrors.payloadInvalid(`${where} holds more than ${MAX_CHANGES_PER_CALL} changes`);
}
