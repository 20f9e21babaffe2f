import { EventObject, EventType, validateShape } from '@connector-events/event-schema';
import { connectorErrors } from '../core/connector-errors';
import { ConnectorDescriptor } from '../core/connector-descriptor';

/** The provider-specific part of an event object; the factory adds element and hub keys. */
export interface EventObjectFields {
  readonly objectType: string;
  readonly objectId: string;
  readonly eventType: EventType;
  /** Anything `Date` parses, or epoch milliseconds; an unreadable date falls back to `fallbackDate`. */
  readonly date?: string | number | Date;
  readonly pollDate?: Date;
  readonly name?: string;
  readonly path?: string;
  readonly size?: number;
  readonly oldPath?: string;
  readonly newPath?: string;
}

const LIMITS = { objectType: 255, objectId: 1024, text: 4096 } as const;

/**
 * Builds event objects that always pass the schema: dates become strict ISO 8601, strings are
 * clipped to the schema's limits, sizes are kept only when they are whole and non-negative.
 * Adapters skip items without an id before calling this; an object that still fails the schema
 * is a bug in the adapter and is reported as such, never published.
 */
export class EventObjectFactory {
  constructor(private readonly descriptor: ConnectorDescriptor) {}

  create(fields: EventObjectFields, fallbackDate: Date): EventObject {
    const event: EventObject = Object.assign(new EventObject(), {
      objectType: clip(fields.objectType, LIMITS.objectType),
      objectId: clip(fields.objectId, LIMITS.objectId),
      eventType: fields.eventType,
      elementKey: this.descriptor.elementKey,
      hubKey: this.descriptor.hubKey,
      date: isoDate(fields.date) ?? fallbackDate.toISOString(),
    });
    if (fields.pollDate) event.pollDate = fields.pollDate.toISOString();
    for (const key of ['name', 'path', 'oldPath', 'newPath'] as const) {
      const value = fields[key];
      if (typeof value === 'string' && value !== '') event[key] = clip(value, LIMITS.text);
    }
    if (typeof fields.size === 'number' && Number.isSafeInteger(fields.size) && fields.size >= 0) event.size = fields.size;
    const check = validateShape(EventObject, { ...event });
    if (!check.ok) {
      throw connectorErrors.payloadInvalid(`cannot form an event object: ${check.problems.join('; ')}`);
    }
    return event;
  }
}

/** Strict ISO 8601 (UTC) from what providers send: ISO text with offsets, epoch ms, or a Date. */
export function isoDate(value: string | number | Date | undefined): string | undefined {
  if (value === undefined) return undefined;
  let date: Date;
  if (value instanceof Date) date = value;
  else if (typeof value === 'number') date = new Date(value);
  else if (/^\d{10,16}$/.test(value)) date = new Date(Number(value));
  else date = new Date(normalizeOffset(value));
  const time = date.getTime();
  // Years outside 0..9999 cannot be written as ISO 8601 without an extended year.
  if (!Number.isFinite(time) || time < -62167219200000 || time > 253402300799999) return undefined;
  return date.toISOString();
}

/** `2015-10-05T14:42:19-0700` (Intuit, Salesforce) → `…-07:00`, which `Date` reads everywhere. */
function normalizeOffset(text: string): string {
  return text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
}

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}
