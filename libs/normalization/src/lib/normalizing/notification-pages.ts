import { createHash } from 'node:crypto';
import {
  EventNotification,
  EventObject,
  EventSource,
  MAX_EVENTS_PER_NOTIFICATION,
  formatJavaDate,
  notificationTopic,
} from '@connector-events/event-schema';
import { EventObjectMessage, InstanceRecord } from '@connector-events/messaging';

/** The notification's `user`: who sent it, as Open Connectors names its own sender. */
export const NOTIFICATION_USER = 'notifications@connector-events';

/** Open Connectors' event ids are 20 characters (`AWVX9OTIhdQRdI1F7Q7v`). */
const ID_LENGTH = 20;

export interface PageInput {
  readonly instance: InstanceRecord;
  readonly rawEventId: string;
  readonly source: EventSource;
  readonly receivedAt: Date;
  /** The provider payload every page repeats. */
  readonly raw: Record<string, unknown>;
  readonly events: readonly EventObject[];
}

/**
 * Splits the event objects into notifications of at most 10 (polling) or 20 (webhook), each
 * repeating the whole raw payload. Everything is derived from the raw event, never from the
 * clock or a counter, so processing the same raw event again yields the same ids: receivers
 * (and Kafka consumers) dedupe on `message.eventId`. No events, no notification.
 *
 * `accountId` and `companyId` are Open Connectors' account and company; this platform has one
 * tenant level, the organization, so both carry the organization id.
 */
export function notificationPages(input: PageInput): EventNotification[] {
  const { instance, events } = input;
  const size = MAX_EVENTS_PER_NOTIFICATION[input.source];
  const pages: EventNotification[] = [];
  for (let start = 0, page = 0; start < events.length; start += size, page += 1) {
    pages.push({
      id: pageId('notification', instance.id, input.rawEventId, page),
      topic: notificationTopic(instance.id, instance.elementKey),
      severity: 'medium',
      action: 'create',
      createdDate: formatJavaDate(input.receivedAt),
      user: NOTIFICATION_USER,
      message: {
        elementKey: instance.elementKey,
        eventId: pageId('event', instance.id, input.rawEventId, page),
        instanceId: instance.id,
        instance_id: instance.id,
        instanceName: instance.name,
        instanceTags: [...instance.tags],
        accountId: instance.organizationId,
        companyId: instance.organizationId,
        userId: instance.userId,
        raw: input.raw,
        events: events.slice(start, start + size),
      },
    });
  }
  return pages;
}

/** Each event object on its own, naming the page that carried it. */
export function eventObjectMessages(pages: readonly EventNotification[]): EventObjectMessage[] {
  return pages.flatMap((page) =>
    page.message.events.map((event) => ({ instanceId: page.message.instanceId, eventId: page.message.eventId, event })),
  );
}

/**
 * 20 URL-safe characters of SHA-256 over the instance, the raw event and the page number. The
 * instance is included because one provider call fans out to several instances.
 */
function pageId(kind: 'notification' | 'event', instanceId: number, rawEventId: string, page: number): string {
  return createHash('sha256').update(`${kind}:${instanceId}:${rawEventId}:${page}`).digest('base64url').slice(0, ID_LENGTH);
}
