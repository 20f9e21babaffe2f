/** How the platform learned of a change; it decides the page size of notifications. */
export const EVENT_SOURCES = ['webhook', 'polling'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/** At most this many event objects per notification (Open Connectors: 10 polled, 20 webhook). */
export const MAX_EVENTS_PER_NOTIFICATION: Readonly<Record<EventSource, number>> = {
  polling: 10,
  webhook: 20,
};
