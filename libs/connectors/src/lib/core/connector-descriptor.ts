/** How the platform learns of changes at a provider. */
export const EVENTS_METHODS = ['webhook', 'polling'] as const;
export type EventsMethod = (typeof EVENTS_METHODS)[number];

/** The static facts of a connector: its key, hub, how its events arrive and what they are about. */
export interface ConnectorDescriptor {
  readonly elementKey: string;
  /** Other keys clients use for the same connector (`hubspotcrm` for `hubspot`). */
  readonly aliases: readonly string[];
  readonly displayName: string;
  readonly hubKey: string;
  /** The first method is the default when `event.vendor.type` is not set. */
  readonly eventsMethods: readonly EventsMethod[];
  /** The object types its events are about, as they appear in `objectType`. */
  readonly objects: readonly string[];
}
