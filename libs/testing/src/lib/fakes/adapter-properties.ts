import { ConnectorInstance, InboundWebhook, NormalizedEvents, isConnectorError } from '@connector-events/connectors';
import { EventObject, validateShape } from '@connector-events/event-schema';
import fc from 'fast-check';

/**
 * Shared pieces of the adapters' property tests: hostile inputs, and the two properties every
 * adapter must keep (only typed errors; only schema-valid event objects).
 */

/** Bodies a hostile caller might send: any JSON, JSON-looking junk, or random bytes. */
export function arbitraryRawBody(): fc.Arbitrary<Buffer> {
  return fc.oneof(
    fc.json({ maxDepth: 4 }).map((text) => Buffer.from(text)),
    fc.string({ maxLength: 200 }).map((text) => Buffer.from(text)),
    fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  );
}

/**
 * A JSON value shaped like `template`, with any field possibly replaced by junk of another type.
 * A field of the template may itself be an arbitrary (`fc.constantFrom('file', 'folder')`).
 */
export function arbitraryMutation(template: unknown): fc.Arbitrary<unknown> {
  const junk = fc.oneof(fc.constant(null), fc.integer(), fc.double(), fc.string({ maxLength: 30 }), fc.boolean(), fc.constant([]), fc.constant({}));
  if (template instanceof fc.Arbitrary) return fc.oneof(template as fc.Arbitrary<unknown>, junk);
  if (Array.isArray(template)) {
    return fc.array(template.length > 0 ? arbitraryMutation(template[0]) : junk, { maxLength: 5 });
  }
  if (typeof template === 'object' && template !== null) {
    const fields = Object.fromEntries(
      Object.entries(template).map(([key, value]) => [key, fc.oneof(arbitraryMutation(value), junk, fc.constant(undefined))]),
    );
    return fc.record(fields);
  }
  return fc.oneof(fc.constant(template), junk);
}

/** An inbound call with the given body and headers, as webhook-ingest would build it. */
export function inboundWebhook(
  body: Buffer | string,
  options: { method?: string; url?: string; headers?: Record<string, string>; query?: Record<string, string>; instanceSegment?: string } = {},
): InboundWebhook {
  return {
    method: options.method ?? 'POST',
    url: options.url ?? 'https://events.example.com/elements/api-v2/events/test',
    query: options.query ?? {},
    headers: options.headers ?? {},
    rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
    instanceSegment: options.instanceSegment,
  };
}

/** Runs `call`; a failure must be a `ConnectorError` with a message, anything else fails the property. */
export async function onlyConnectorErrors<T>(call: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await call();
  } catch (error) {
    if (!isConnectorError(error) || !error.message) {
      throw new Error(`expected a ConnectorError, got ${error instanceof Error ? error.stack : String(error)}`);
    }
    return undefined;
  }
}

/** Every event object must pass the published schema. */
export function expectSchemaValid(events: readonly EventObject[]): void {
  for (const event of events) {
    const check = validateShape(EventObject, { ...event });
    if (!check.ok) throw new Error(`invalid event object ${JSON.stringify(event)}: ${check.problems.join('; ')}`);
  }
}

export function expectNormalizedValid(result: NormalizedEvents | undefined): void {
  if (result) expectSchemaValid(result.events);
}

export function testInstance(partial: Partial<ConnectorInstance> & Pick<ConnectorInstance, 'elementKey'>): ConnectorInstance {
  return { id: 1, configuration: {}, providerData: {}, ...partial };
}

/** The value, or a test failure naming what was missing (instead of a non-null assertion). */
export function present<T>(value: T | null | undefined, what = 'the value'): T {
  if (value === null || value === undefined) throw new Error(`expected ${what} to be present`);
  return value;
}
