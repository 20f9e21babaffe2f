/** Normalization reads what a body is and who sent it. */
const ALWAYS_KEPT = new Set(['content-type', 'user-agent']);
/**
 * Provider headers that describe the event rather than the transport: GitHub's
 * `X-GitHub-Event`, Shopify's `X-Shopify-Topic`, CloudEvents' `ce-*`, delivery and retry ids,
 * Open Connectors' `Element-Instances`.
 */
const EVENT_HEADER = /^ce-|event|delivery|topic|hook|subscription|resource|attempt|retry|element-instances/;
/** Anything that may prove identity or hold a secret never leaves ingest, whatever its name says it is for. */
const CREDENTIAL_HEADER = /auth|cookie|signature|secret|token|passw|credential|session|api-?key|hmac|jwt|bearer|(^|-)sig(-|$)/;
const MAX_HEADERS = 32;
const MAX_VALUE_LENGTH = 1024;

/**
 * The request headers a raw event keeps: only what normalization may need, never
 * signatures, `Authorization`, cookies or other credentials (the raw topic is read by every
 * consumer). Names are lower-case, as `InboundWebhook` has them.
 */
export function forwardedHeadersOf(headers: Readonly<Record<string, string>>): Record<string, string> {
  const kept = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (kept.size >= MAX_HEADERS) break;
    if (value.length > MAX_VALUE_LENGTH || CREDENTIAL_HEADER.test(name)) continue;
    if (ALWAYS_KEPT.has(name) || EVENT_HEADER.test(name)) kept.set(name, value);
  }
  return Object.fromEntries(kept);
}
