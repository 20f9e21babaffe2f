/** Open Connectors' event statuses, in the order an event moves through them. */
export const EVENT_LOG_STATUSES = ['NEW', 'RECEIVED', 'DISPATCHED', 'CONSUMED', 'NOTIFIED'] as const;
export type EventLogStatus = (typeof EVENT_LOG_STATUSES)[number];

/** Notifications and delivery results arrive on different topics, in any order: never go back. */
export function laterStatus(a: EventLogStatus, b: EventLogStatus): EventLogStatus {
  return EVENT_LOG_STATUSES.indexOf(a) >= EVENT_LOG_STATUSES.indexOf(b) ? a : b;
}
