import { createHmac } from 'node:crypto';

/**
 * `Elements-Webhook-Signature` as Open Connectors sends it: `sha256=` and the base64
 * HMAC-SHA256 of the exact body bytes, keyed with the instance's
 * `event.notification.signature.key` as UTF-8.
 */
export function elementsSignature(key: string, body: Buffer): string {
  return `sha256=${createHmac('sha256', Buffer.from(key, 'utf8')).update(body).digest('base64')}`;
}

/**
 * The Standard Webhooks key of a signature key: a `whsec_<base64>` secret is its decoded
 * bytes (as the Standard Webhooks libraries read it), any other key its UTF-8 bytes.
 */
export function standardWebhooksKey(key: string): Buffer {
  if (key.startsWith('whsec_')) {
    const decoded = Buffer.from(key.slice('whsec_'.length), 'base64');
    if (decoded.length > 0) return decoded;
  }
  return Buffer.from(key, 'utf8');
}

/** `webhook-signature`: `v1,` and the base64 HMAC-SHA256 of `<id>.<timestamp>.<body>`. */
export function standardWebhooksSignature(key: string, id: string, timestampSeconds: number, body: Buffer): string {
  const hmac = createHmac('sha256', standardWebhooksKey(key));
  hmac.update(`${id}.${timestampSeconds}.`, 'utf8');
  hmac.update(body);
  return `v1,${hmac.digest('base64')}`;
}

/** Every header of one attempt; the signatures only when the instance has a signature key. */
export function callbackHeaders(input: { eventId: string; body: Buffer; signatureKey?: string; now: Date }): Record<string, string> {
  const timestamp = Math.floor(input.now.getTime() / 1000);
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'connector-events-notifier',
    'elements-webhook-id': input.eventId,
    'webhook-id': input.eventId,
    'webhook-timestamp': String(timestamp),
  };
  if (input.signatureKey !== undefined && input.signatureKey !== '') {
    headers['elements-webhook-signature'] = elementsSignature(input.signatureKey, input.body);
    headers['webhook-signature'] = standardWebhooksSignature(input.signatureKey, input.eventId, timestamp, input.body);
  }
  return headers;
}
