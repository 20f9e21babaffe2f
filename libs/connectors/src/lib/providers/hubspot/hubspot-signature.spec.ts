import { hubSpotV3Signature, inboundWebhook } from '@connector-events/testing';
import { createHmac } from 'node:crypto';
import { ConnectorError } from '../../core/connector-error';
import { v3SignedUri, verifyHubSpotSignature } from './hubspot-signature';

/** The values of HubSpot's own validation examples (docs: v1-request-validation, v2-request-validation). */
const DOC_SECRET = 'yyyyyyyy-yyyy-yyyy-yyyy-yyyyyyyyyyyy';
const DOC_BODY =
  '[{"eventId":1,"subscriptionId":12345,"portalId":62515,"occurredAt":1564113600000,"subscriptionType":"contact.creation","attemptNumber":0,"objectId":123,"changeSource":"CRM","changeFlag":"NEW","appId":54321}]';
const SENT_AT = 1564113600000;

function codeOf(call: () => void): string | undefined {
  try {
    call();
    return undefined;
  } catch (error) {
    if (error instanceof ConnectorError) return error.code;
    throw error;
  }
}

describe('HubSpot signatures', () => {
  describe('v1 and v2, with the documented vectors', () => {
    it('accepts the v1 example: hex SHA-256 of secret + body', () => {
      const request = inboundWebhook(DOC_BODY, {
        headers: { 'x-hubspot-signature': '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de', 'x-hubspot-signature-version': 'v1' },
      });
      expect(() => verifyHubSpotSignature(request, DOC_SECRET, new Date())).not.toThrow();
      expect(codeOf(() => verifyHubSpotSignature(request, 'another-secret', new Date()))).toBe('webhook_signature_invalid');
    });

    it('accepts the v2 GET example: hex SHA-256 of secret + method + URI + body', () => {
      const request = inboundWebhook('', {
        method: 'GET',
        url: 'https://www.example.com/webhook_uri',
        headers: { 'x-hubspot-signature': 'EEE2DDDCC73C94D699F5E395F4B9D454A069A6855FBFA152E91E88823087200E', 'x-hubspot-signature-version': 'v2' },
      });
      expect(() => verifyHubSpotSignature(request, DOC_SECRET, new Date())).not.toThrow();
      // The URI is part of v2: the same signature for another URL fails.
      const elsewhere = { ...request, url: 'https://www.example.com/other_uri' };
      expect(codeOf(() => verifyHubSpotSignature(elsewhere, DOC_SECRET, new Date()))).toBe('webhook_signature_invalid');
    });

    it('reads a signature without a version as v1, as HubSpot does, and refuses unknown versions', () => {
      const v1 = '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de';
      expect(() => verifyHubSpotSignature(inboundWebhook(DOC_BODY, { headers: { 'x-hubspot-signature': v1 } }), DOC_SECRET, new Date())).not.toThrow();
      const v9 = inboundWebhook(DOC_BODY, { headers: { 'x-hubspot-signature': v1, 'x-hubspot-signature-version': 'v9' } });
      expect(() => verifyHubSpotSignature(v9, DOC_SECRET, new Date())).toThrow(/X-HubSpot-Signature-Version "v9" is not v1 or v2/);
    });
  });

  describe('v3', () => {
    // Computed independently: printf 'POST<decoded uri><body><timestamp>' | openssl dgst -sha256 -hmac <secret> -binary | base64
    const url = 'https://hooks.example.com/hubspot/events?label=a%3Ab%28c%29&x=%20y';
    const vector = 'KsRxIQEGKMycjEGLnSE86JQkSsZeObFW4c6eOnFDfiE=';
    const signed = (headers: Record<string, string> = {}, body = DOC_BODY) =>
      inboundWebhook(body, {
        url,
        headers: { 'x-hubspot-signature-v3': vector, 'x-hubspot-request-timestamp': String(SENT_AT), ...headers },
      });
    const at = (ms: number) => new Date(ms);

    it('accepts the self-generated vector (documented escapes decoded, %20 kept)', () => {
      expect(() => verifyHubSpotSignature(signed(), DOC_SECRET, at(SENT_AT + 1000))).not.toThrow();
      expect(hubSpotV3Signature(DOC_SECRET, 'POST', url, DOC_BODY, String(SENT_AT))).toBe(vector);
    });

    it('decodes exactly the documented escapes, in either hex case', () => {
      expect(v3SignedUri('https://h/p%3a%3A%2F%3F%40%21%24%27%28%29%2A%2C%3B')).toBe("https://h/p::/?@!$'()*,;");
      expect(v3SignedUri('https://h/p?q=%20%25%2B%3D%26%23%5B')).toBe('https://h/p?q=%20%25%2B%3D%26%23%5B');
    });

    it('fails when the URI is signed undecoded, or decoded entirely', () => {
      const signedOver = (uri: string) =>
        createHmac('sha256', DOC_SECRET).update(`POST${uri}${DOC_BODY}${SENT_AT}`).digest('base64');
      const check = (signature: string) =>
        codeOf(() => verifyHubSpotSignature(signed({ 'x-hubspot-signature-v3': signature }), DOC_SECRET, at(SENT_AT)));
      expect(check(signedOver('https://hooks.example.com/hubspot/events?label=a:b(c)&x=%20y'))).toBeUndefined();
      expect(check(signedOver(url))).toBe('webhook_signature_invalid');
      expect(check(signedOver(decodeURIComponent(url)))).toBe('webhook_signature_invalid');
    });

    it('allows five minutes either way and refuses stale or future timestamps', () => {
      expect(() => verifyHubSpotSignature(signed(), DOC_SECRET, at(SENT_AT + 300_000))).not.toThrow();
      expect(() => verifyHubSpotSignature(signed(), DOC_SECRET, at(SENT_AT - 300_000))).not.toThrow();
      expect(codeOf(() => verifyHubSpotSignature(signed(), DOC_SECRET, at(SENT_AT + 300_001)))).toBe('webhook_timestamp_stale');
      expect(codeOf(() => verifyHubSpotSignature(signed(), DOC_SECRET, at(SENT_AT - 300_001)))).toBe('webhook_timestamp_stale');
      expect(() => verifyHubSpotSignature(signed(), DOC_SECRET, at(SENT_AT + 3_600_000))).toThrow(/3600 s away from now/);
    });

    it('refuses a missing or unreadable timestamp', () => {
      expect(codeOf(() => verifyHubSpotSignature(signed({ 'x-hubspot-request-timestamp': '' }), DOC_SECRET, at(SENT_AT)))).toBe('webhook_signature_missing');
      expect(() => verifyHubSpotSignature(signed({ 'x-hubspot-request-timestamp': '2019-07-26T04:00:00Z' }), DOC_SECRET, at(SENT_AT))).toThrow(
        expect.objectContaining({ code: 'webhook_timestamp_stale', message: expect.stringContaining('not epoch milliseconds') }),
      );
    });

    it('covers the timestamp: the same signature with another timestamp fails', () => {
      expect(codeOf(() => verifyHubSpotSignature(signed({ 'x-hubspot-request-timestamp': String(SENT_AT + 1) }), DOC_SECRET, at(SENT_AT)))).toBe(
        'webhook_signature_invalid',
      );
    });

    it('refuses a tampered body, another method, another key and an empty secret', () => {
      expect(codeOf(() => verifyHubSpotSignature(signed({}, DOC_BODY.replace('62515', '62516')), DOC_SECRET, at(SENT_AT)))).toBe('webhook_signature_invalid');
      expect(codeOf(() => verifyHubSpotSignature({ ...signed(), method: 'PUT' }, DOC_SECRET, at(SENT_AT)))).toBe('webhook_signature_invalid');
      expect(codeOf(() => verifyHubSpotSignature(signed(), 'not-the-secret', at(SENT_AT)))).toBe('webhook_signature_invalid');
      expect(codeOf(() => verifyHubSpotSignature(signed(), '', at(SENT_AT)))).toBe('webhook_signature_invalid');
    });

    it('prefers v3: a valid v1 signature does not rescue a wrong v3 one', () => {
      const request = signed({
        'x-hubspot-signature-v3': 'AAAA' + vector.slice(4),
        'x-hubspot-signature': '232db2615f3d666fe21a8ec971ac7b5402d33b9a925784df3ca654d05f4817de',
        'x-hubspot-signature-version': 'v1',
      });
      expect(codeOf(() => verifyHubSpotSignature(request, DOC_SECRET, at(SENT_AT)))).toBe('webhook_signature_invalid');
    });
  });

  it('refuses a call without any signature, naming the v3 header', () => {
    expect(() => verifyHubSpotSignature(inboundWebhook(DOC_BODY), DOC_SECRET, new Date())).toThrow(
      expect.objectContaining({ code: 'webhook_signature_missing', status: 401, message: 'the X-HubSpot-Signature-v3 header is missing' }),
    );
  });
});
