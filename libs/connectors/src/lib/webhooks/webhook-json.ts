import { connectorErrors } from '../core/connector-errors';

/** Parses a webhook body as JSON, or fails with a payload error that says why. */
export function parseWebhookJson(rawBody: Buffer): unknown {
  if (rawBody.length === 0) throw connectorErrors.payloadInvalid('the body is empty; a JSON body was expected');
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw connectorErrors.payloadInvalid('the body is not valid JSON');
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A string or finite number as a non-empty string; anything else undefined. */
export function idText(value: unknown): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Reads a dot path such as `a.b.0.c` from parsed JSON. */
export function readPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split('.')) {
    if (Array.isArray(current) && /^\d+$/.test(part)) current = current[Number(part)];
    else if (isRecord(current)) current = current[part];
    else return undefined;
  }
  return current;
}
