import { createHash, createHmac } from 'node:crypto';

/** A webhook call as HubSpot would make it, ready for `sendWebhook` or `inboundWebhook`. */
export interface SignedHubSpotWebhook {
  readonly method: 'POST';
  /** The target URL HubSpot calls (and signs, for v2 and v3). */
  readonly url: string;
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** Escapes HubSpot decodes in the URI before computing a v3 signature. */
const V3_DECODED: Readonly<Record<string, string>> = {
  '3A': ':', '2F': '/', '3F': '?', '40': '@', '21': '!', '24': '$', '27': "'", '28': '(', '29': ')', '2A': '*', '2C': ',', '3B': ';',
};

export function hubSpotV3Uri(url: string): string {
  return url.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => V3_DECODED[hex.toUpperCase()] ?? escape);
}

/** v1: hex SHA-256 of client secret + body. */
export function hubSpotV1Signature(clientSecret: string, body: string): string {
  return createHash('sha256').update(clientSecret + body, 'utf8').digest('hex');
}

/** v2: hex SHA-256 of client secret + method + URI + body. */
export function hubSpotV2Signature(clientSecret: string, method: string, url: string, body: string): string {
  return createHash('sha256').update(clientSecret + method + url + body, 'utf8').digest('hex');
}

/** v3: base64 HMAC-SHA256, keyed with the client secret, of method + decoded URI + body + timestamp. */
export function hubSpotV3Signature(clientSecret: string, method: string, url: string, body: string, timestamp: string): string {
  return createHmac('sha256', clientSecret).update(method + hubSpotV3Uri(url) + body + timestamp, 'utf8').digest('base64');
}

/**
 * A webhook call signed the way HubSpot signs its app webhooks today: v3 with its timestamp,
 * plus the v1 signature it still sends for backwards compatibility.
 */
export function signedV3Webhook(clientSecret: string, url: string, body: string, timestampMs: number): SignedHubSpotWebhook {
  const timestamp = String(timestampMs);
  return {
    method: 'POST',
    url,
    body,
    headers: {
      'content-type': 'application/json',
      'x-hubspot-signature-v3': hubSpotV3Signature(clientSecret, 'POST', url, body, timestamp),
      'x-hubspot-request-timestamp': timestamp,
      'x-hubspot-signature': hubSpotV1Signature(clientSecret, body),
      'x-hubspot-signature-version': 'v1',
    },
  };
}

/** A call carrying only the older signature, in the given version. */
export function signedLegacyWebhook(clientSecret: string, version: 'v1' | 'v2', url: string, body: string): SignedHubSpotWebhook {
  const signature = version === 'v1' ? hubSpotV1Signature(clientSecret, body) : hubSpotV2Signature(clientSecret, 'POST', url, body);
  return {
    method: 'POST',
    url,
    body,
    headers: { 'content-type': 'application/json', 'x-hubspot-signature': signature, 'x-hubspot-signature-version': version },
  };
}
