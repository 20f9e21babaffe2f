/** The change kinds of the Open Connectors event object. */
export const EVENT_TYPES = ['CREATED', 'UPDATED', 'DELETED', 'UNKNOWN'] as const;
export type EventType = (typeof EVENT_TYPES)[number];
