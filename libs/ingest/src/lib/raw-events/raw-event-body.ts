import { IngestRejection } from '../pipeline/ingest-rejection';

/**
 * Deeper JSON than this is not a provider payload; refusing it keeps the later
 * `JSON.stringify` and class-transformer walks (both recursive) far from the stack limit.
 */
export const MAX_BODY_DEPTH = 256;

const FORM_TYPE = /^application\/x-www-form-urlencoded\s*(;|$)/i;
const JSON_TYPE = /^application\/([a-z0-9.+-]*\+)?json\s*(;|$)/i;

/**
 * The provider body as a raw event carries it, always a JSON object: a JSON object as sent;
 * a JSON array as `{"payload": [...]}` (HubSpot, QuickBooks CloudEvents; the adapters read
 * that shape); form fields as an object (a repeated field as an array); `{}` for no body;
 * anything else as `{"text": "..."}`. A body that says it is JSON but is not is refused.
 */
export function rawEventBodyOf(rawBody: Buffer, contentType: string | undefined): Record<string, unknown> {
  if (rawBody.length === 0) return {};
  const text = rawBody.toString('utf8');
  if (contentType !== undefined && FORM_TYPE.test(contentType)) return formFields(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    if (contentType !== undefined && JSON_TYPE.test(contentType)) {
      throw IngestRejection.payloadInvalid('the body is not valid JSON, though its Content-Type says it is');
    }
    return { text };
  }
  if (typeof parsed !== 'object' || parsed === null) return { text };
  if (depthExceeds(parsed, MAX_BODY_DEPTH)) {
    throw IngestRejection.payloadInvalid(`the body nests deeper than ${MAX_BODY_DEPTH} levels`);
  }
  return Array.isArray(parsed) ? { payload: parsed } : (parsed as Record<string, unknown>);
}

/** `Object.fromEntries` defines own properties, so a field named `__proto__` stays a field. */
function formFields(text: string): Record<string, unknown> {
  const fields = new Map<string, string | string[]>();
  for (const [name, value] of new URLSearchParams(text)) {
    const earlier = fields.get(name);
    fields.set(name, earlier === undefined ? value : [...(Array.isArray(earlier) ? earlier : [earlier]), value]);
  }
  return Object.fromEntries(fields);
}

/** Iterative, so the check itself cannot overflow the stack it protects. */
function depthExceeds(root: object, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[root, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, depth] = next;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limit) return true;
    for (const child of Object.values(value)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
}
