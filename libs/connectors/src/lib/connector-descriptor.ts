/** How the platform learns of changes at a provider. */
export type EventsMethod = 'webhook' | 'polling';

/** The static facts of a connector: its key, hub, and how its events arrive. */
export interface ConnectorDescriptor {
  readonly elementKey: string;
  /** Other keys clients use for the same connector (`hubspotcrm` for `hubspot`). */
  readonly aliases: readonly string[];
  readonly hubKey: string;
  readonly eventsMethods: readonly EventsMethod[];
}
