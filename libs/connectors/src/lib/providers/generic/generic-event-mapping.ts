import { EVENT_TYPES, EventObject, EventType } from '@connector-events/event-schema';
import { EventObjectFactory } from '../../events/event-object-factory';
import { idText, readPath } from '../../webhooks/webhook-json';
import { GenericEventsDefinition } from './generic-connector-definition';

/** Turns webhook items into event objects, field by field as `webhook.events` says. */
export class GenericEventMapping {
  /** A Map, so a provider value such as `constructor` can never reach `Object.prototype`. */
  private readonly eventTypes: ReadonlyMap<string, EventType>;

  constructor(
    private readonly definition: GenericEventsDefinition,
    private readonly factory: EventObjectFactory,
  ) {
    this.eventTypes = new Map(Object.entries(definition.eventTypes ?? {}));
  }

  /** Items without an object id, or without an object type and no fallback, are skipped. */
  toEvents(items: readonly Record<string, unknown>[], receivedAt: Date): EventObject[] {
    return items.flatMap((item) => {
      const { definition } = this;
      const objectId = idText(readPath(item, definition.objectIdField));
      const objectType = (definition.objectTypeField && idText(readPath(item, definition.objectTypeField))) || definition.objectType;
      if (!objectId || !objectType) return [];
      const date = definition.dateField ? readPath(item, definition.dateField) : undefined;
      const name = definition.nameField ? readPath(item, definition.nameField) : undefined;
      return [
        this.factory.create(
          {
            objectType,
            objectId,
            eventType: this.eventTypeOf(item),
            date: typeof date === 'string' || typeof date === 'number' ? date : undefined,
            name: typeof name === 'string' ? name : undefined,
          },
          receivedAt,
        ),
      ];
    });
  }

  /** The mapped type; a value that already is an event type is kept; anything else is UNKNOWN. */
  private eventTypeOf(item: Record<string, unknown>): EventType {
    const field = this.definition.eventTypeField;
    const value = field ? idText(readPath(item, field)) : undefined;
    if (value === undefined) return 'UNKNOWN';
    const mapped = this.eventTypes.get(value);
    if (mapped) return mapped;
    return (EVENT_TYPES as readonly string[]).includes(value) ? (value as EventType) : 'UNKNOWN';
  }
}
