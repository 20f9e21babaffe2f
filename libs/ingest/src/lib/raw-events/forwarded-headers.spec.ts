import { forwardedHeadersOf } from './forwarded-headers';

describe('forwardedHeadersOf', () => {
  it('keeps the content type, the user agent and headers that describe the event', () => {
    expect(
      forwardedHeadersOf({
        'content-type': 'application/json',
        'user-agent': 'DropboxWebhooks/1.0',
        'x-github-event': 'push',
        'x-github-delivery': '72d3162e',
        'x-shopify-topic': 'orders/create',
        'ce-type': 'qbo.customer.created.v1',
        'element-instances': '1,2',
        'elements-webhook-id': 'n-1',
      }),
    ).toEqual({
      'content-type': 'application/json',
      'user-agent': 'DropboxWebhooks/1.0',
      'x-github-event': 'push',
      'x-github-delivery': '72d3162e',
      'x-shopify-topic': 'orders/create',
      'ce-type': 'qbo.customer.created.v1',
      'element-instances': '1,2',
      'elements-webhook-id': 'n-1',
    });
  });

  it('never keeps signatures, credentials, cookies or transport headers', () => {
    const dropped = {
      authorization: 'Bearer x',
      'proxy-authorization': 'Basic x',
      cookie: 'a=b',
      'x-dropbox-signature': 'ab',
      'x-hubspot-signature-v3': 'ab',
      'x-hubspot-signature': 'ab',
      'intuit-signature': 'ab',
      'element-webhook-secret': 's',
      'elements-webhook-signature': 'sha256=x',
      'x-goog-channel-token': 't',
      'x-api-key': 'k',
      'x-webhook-hmac-sha256': 'h',
      'x-event-sig': 'h',
      'x-session-id': 's',
      host: 'events.example.com',
      'content-length': '10',
      'x-forwarded-for': '10.0.0.1',
      'x-request-id': 'r',
    };
    expect(forwardedHeadersOf(dropped)).toEqual({});
  });

  it('bounds what a hostile caller can make it keep', () => {
    const many = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`x-event-${i}`, 'v']));
    expect(Object.keys(forwardedHeadersOf(many))).toHaveLength(32);
    expect(forwardedHeadersOf({ 'x-event': 'v'.repeat(2000) })).toEqual({});
  });
});
