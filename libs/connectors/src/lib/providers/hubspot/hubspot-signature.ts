import { ConnectorError } from '../../core/connector-error';
import { connectorErrors } from '../../core/connector-errors';
import { InboundWebhook } from '../../core/inbound-webhook';
import { hmacDigest, safeEqual, sha256Hex } from '../../webhooks/signatures';

export const HUBSPOT_SIGNATURE_HEADERS = {
  v3: 'x-hubspot-signature-v3',
  timestamp: 'x-hubspot-request-timestamp',
  legacy: 'x-hubspot-signature',
  version: 'x-hubspot-signature-version',
} as const;

/** HubSpot's own window (`MAX_ALLOWED_TIMESTAMP` in its SDK); we apply it to the future too. */
const MAX_CLOCK_DISTANCE_MS = 5 * 60 * 1000;

/** The only percent-escapes v3 decodes before signing; every other escape stays as sent. */
const V3_DECODED_ESCAPES: Readonly<Record<string, string>> = {
  '%3A': ':',
  '%2F': '/',
  '%3F': '?',
  '%40': '@',
  '%21': '!',
  '%24': '$',
  '%27': "'",
  '%28': '(',
  '%29': ')',
  '%2A': '*',
  '%2C': ',',
  '%3B': ';',
};

/** The URI as v3 signs it: the called URL with only the documented escapes decoded (hex case-insensitive). */
export function v3SignedUri(url: string): string {
  return url.replace(/%(3A|2F|3F|40|21|24|27|28|29|2A|2C|3B)/gi, (escape) => V3_DECODED_ESCAPES[escape.toUpperCase()] ?? escape);
}

/**
 * Checks a HubSpot call against the app's client secret. v3 (`X-HubSpot-Signature-v3`) is used
 * whenever present: base64 HMAC-SHA256 over method + URI + body + timestamp, with the timestamp
 * within five minutes of `now`. Without it, the older `X-HubSpot-Signature` is checked per
 * `X-HubSpot-Signature-Version`: v1 = hex SHA-256(secret + body), v2 = hex SHA-256(secret +
 * method + URI + body). Throws a `ConnectorError` unless the call is authentic.
 */
export function verifyHubSpotSignature(request: InboundWebhook, clientSecret: string, now: Date): void {
  const v3 = request.headers[HUBSPOT_SIGNATURE_HEADERS.v3];
  if (v3) return verifyV3(request, v3, clientSecret, now);
  const legacy = request.headers[HUBSPOT_SIGNATURE_HEADERS.legacy];
  if (legacy) return verifyLegacy(request, legacy, clientSecret);
  throw connectorErrors.signatureMissing('X-HubSpot-Signature-v3');
}

function verifyV3(request: InboundWebhook, received: string, clientSecret: string, now: Date): void {
  const timestamp = request.headers[HUBSPOT_SIGNATURE_HEADERS.timestamp];
  if (!timestamp) throw connectorErrors.signatureMissing('X-HubSpot-Request-Timestamp');
  const sentAt = /^\d{1,16}$/.test(timestamp) ? Number(timestamp) : NaN;
  if (!Number.isSafeInteger(sentAt)) {
    throw new ConnectorError('webhook_timestamp_stale', 'the X-HubSpot-Request-Timestamp header is not epoch milliseconds', 401);
  }
  const distance = Math.abs(now.getTime() - sentAt);
  if (distance > MAX_CLOCK_DISTANCE_MS) throw connectorErrors.timestampStale('X-HubSpot-Request-Timestamp', distance);
  // Bytes, not a decoded string: the body is signed exactly as it travelled.
  const source = Buffer.concat([
    Buffer.from(`${request.method}${v3SignedUri(request.url)}`, 'utf8'),
    request.rawBody,
    Buffer.from(timestamp, 'utf8'),
  ]);
  if (!clientSecret || !safeEqual(hmacDigest('sha256', clientSecret, source, 'base64'), received.trim())) {
    throw connectorErrors.signatureInvalid('X-HubSpot-Signature-v3');
  }
}

function verifyLegacy(request: InboundWebhook, received: string, clientSecret: string): void {
  // HubSpot's SDK treats a signature without a version as v1, the version CRM webhooks use.
  const version = (request.headers[HUBSPOT_SIGNATURE_HEADERS.version] ?? 'v1').trim().toLowerCase();
  let prefix: string;
  if (version === 'v1') prefix = clientSecret;
  else if (version === 'v2') prefix = `${clientSecret}${request.method}${request.url}`;
  else {
    throw new ConnectorError(
      'webhook_signature_invalid',
      `X-HubSpot-Signature-Version "${version.slice(0, 20)}" is not v1 or v2 (and no X-HubSpot-Signature-v3 was sent)`,
      401,
    );
  }
  const expected = sha256Hex(Buffer.concat([Buffer.from(prefix, 'utf8'), request.rawBody]));
  if (!clientSecret || !safeEqual(expected, received.trim().toLowerCase())) {
    throw connectorErrors.signatureInvalid(`X-HubSpot-Signature (${version})`);
  }
}
