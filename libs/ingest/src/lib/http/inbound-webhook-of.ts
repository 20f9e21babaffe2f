import { InboundWebhook } from '@connector-events/connectors';
import { IncomingMessage } from 'node:http';

/** A request after runtime's body parsing: webhook routes keep the exact bytes, whatever their type. */
export type WebhookHttpRequest = IncomingMessage & { readonly originalUrl: string; readonly rawBody?: Buffer };

export interface InboundWebhookParts {
  readonly request: InboundWebhook;
  /** The query string exactly as sent, without `?`. */
  readonly rawQuery: string;
}

/**
 * The provider call as adapters see it. `url` is the public URL the provider called
 * (`PUBLIC_BASE_URL` + the path and query exactly as sent), since HubSpot signs it; the query
 * map is decoded as `URLSearchParams` does (`+` is a space; the first of repeated names wins),
 * so Graph's `validationToken` is echoed exactly.
 */
export function inboundWebhookOf(req: WebhookHttpRequest, publicBaseUrl: string, instanceSegment: string | undefined): InboundWebhookParts {
  const question = req.originalUrl.indexOf('?');
  const rawQuery = question === -1 ? '' : req.originalUrl.slice(question + 1);
  return {
    rawQuery,
    request: {
      method: (req.method ?? 'GET').toUpperCase(),
      url: `${publicBaseUrl}${req.originalUrl}`,
      query: queryOf(rawQuery),
      headers: headersOf(req),
      rawBody: req.rawBody ?? Buffer.alloc(0),
      ...(instanceSegment !== undefined && instanceSegment !== '' ? { instanceSegment } : {}),
    },
  };
}

/** `Object.fromEntries` defines own properties, so `?__proto__=x` stays a parameter. */
function queryOf(rawQuery: string): Record<string, string> {
  const query = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(rawQuery)) if (!query.has(name)) query.set(name, value);
  return Object.fromEntries(query);
}

/** Lower-case names, repeated headers joined with ", " (Node would drop some repeats otherwise). */
function headersOf(req: IncomingMessage): Record<string, string> {
  const headers = new Map<string, string>();
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values !== undefined) headers.set(name, values.join(', '));
  }
  return Object.fromEntries(headers);
}
