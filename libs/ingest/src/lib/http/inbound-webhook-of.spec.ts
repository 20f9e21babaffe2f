import { inboundWebhookOf, WebhookHttpRequest } from './inbound-webhook-of';

function request(parts: { method?: string; originalUrl: string; headers?: Record<string, string[]>; rawBody?: Buffer }): WebhookHttpRequest {
  return { method: parts.method ?? 'POST', originalUrl: parts.originalUrl, headersDistinct: parts.headers ?? {}, rawBody: parts.rawBody } as unknown as WebhookHttpRequest;
}

describe('inboundWebhookOf', () => {
  it('names the public URL the provider called, path and query exactly as sent', () => {
    const { request: inbound, rawQuery } = inboundWebhookOf(
      request({ originalUrl: '/elements/api-v2/events/hubspot/MTIz?a=%3A%2f&b=1' }),
      'https://events.example.com',
      'MTIz',
    );
    expect(inbound.url).toBe('https://events.example.com/elements/api-v2/events/hubspot/MTIz?a=%3A%2f&b=1');
    expect(rawQuery).toBe('a=%3A%2f&b=1');
    expect(inbound.instanceSegment).toBe('MTIz');
  });

  it('decodes the query as URLSearchParams does: + is a space, the first of repeated names wins', () => {
    const token = 'Validation: Testing client application reachability +/=';
    const query = new URLSearchParams({ validationToken: token }).toString();
    const { request: inbound } = inboundWebhookOf(request({ originalUrl: `/e?${query}&x=1&x=2&__proto__=p&bad=%zz` }), 'http://h', undefined);
    expect(inbound.query).toEqual({ validationToken: token, x: '1', ['__proto__']: 'p', bad: '%zz' });
    expect(Object.getPrototypeOf(inbound.query)).toBe(Object.prototype);
  });

  it('joins repeated headers and gives an empty body when none was sent', () => {
    const { request: inbound } = inboundWebhookOf(
      request({ method: 'get', originalUrl: '/e', headers: { 'element-instances': ['1', '2'], 'content-type': ['text/plain'] } }),
      'http://h',
      '',
    );
    expect(inbound).toEqual({
      method: 'GET',
      url: 'http://h/e',
      query: {},
      headers: { 'element-instances': '1, 2', 'content-type': 'text/plain' },
      rawBody: Buffer.alloc(0),
    });
  });
});
