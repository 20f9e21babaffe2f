import { createHmac, timingSafeEqual } from 'node:crypto';
import { callbackHeaders, elementsSignature, standardWebhooksKey, standardWebhooksSignature } from './callback-signatures';

const body = Buffer.from('{"id":"1","message":{"eventId":"e-1","text":"café ✓"}}', 'utf8');

describe('callback signatures', () => {
  it('Elements-Webhook-Signature verifies with the documented Node recipe (HMAC-SHA256 of the raw body, base64)', () => {
    const header = elementsSignature('my-signature-key', body);
    const expected = 'sha256=' + createHmac('sha256', 'my-signature-key').update(body).digest('base64');
    expect(timingSafeEqual(Buffer.from(header), Buffer.from(expected))).toBe(true);
    expect(elementsSignature('other-key', body)).not.toBe(header);
    expect(elementsSignature('my-signature-key', Buffer.concat([body, Buffer.from(' ')]))).not.toBe(header);
  });

  it('webhook-signature signs id.timestamp.body, with whsec_ secrets base64-decoded', () => {
    const secret = `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`;
    expect(standardWebhooksKey(secret).toString()).toBe('0123456789abcdef0123456789abcdef');
    expect(standardWebhooksKey('plain-key').toString()).toBe('plain-key');
    const signature = standardWebhooksSignature(secret, 'e-1', 1700000000, body);
    const expected = createHmac('sha256', '0123456789abcdef0123456789abcdef').update(`e-1.1700000000.${body.toString('utf8')}`).digest('base64');
    expect(signature).toBe(`v1,${expected}`);
    expect(standardWebhooksSignature(secret, 'e-1', 1700000001, body)).not.toBe(signature);
  });

  it('sends the ids always and the signatures only with a key', () => {
    const now = new Date('2026-11-23T10:00:00.000Z');
    const unsigned = callbackHeaders({ eventId: 'e-1', body, now });
    expect(unsigned).toMatchObject({ 'content-type': 'application/json', 'elements-webhook-id': 'e-1', 'webhook-id': 'e-1', 'webhook-timestamp': '1795428000' });
    expect(unsigned['elements-webhook-signature']).toBeUndefined();
    expect(unsigned['webhook-signature']).toBeUndefined();
    const signed = callbackHeaders({ eventId: 'e-1', body, now, signatureKey: 'k' });
    expect(signed['elements-webhook-signature']).toBe(elementsSignature('k', body));
    expect(signed['webhook-signature']).toBe(standardWebhooksSignature('k', 'e-1', 1795428000, body));
  });
});
