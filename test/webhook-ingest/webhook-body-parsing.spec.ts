import { gzipSync } from 'node:zlib';
import { SentWebhook, sendWebhook } from '@connector-events/testing';
import { RunningIngest, startIngest } from './support/ingest-app';

const LIMIT = 2048;

/** runtime's body parsing as the webhook routes get it: raw bytes of any type, their own limit. */
describe('webhook body parsing', () => {
  let ingest: RunningIngest;
  beforeAll(async () => {
    ingest = await startIngest({ transport: 'in-process', env: { WEBHOOK_MAX_BODY_BYTES: String(LIMIT) } });
  });
  afterAll(() => ingest?.app.close());

  function expectError(answer: SentWebhook, status: number, message: string): void {
    expect({ status: answer.status, body: JSON.parse(answer.text) as unknown }).toEqual({
      status,
      body: { requestId: answer.headers['x-request-id'], message },
    });
  }

  it('leaves the body unparsed until the connector has looked for its handshake', async () => {
    const answer = await sendWebhook(`${ingest.eventsUrl}/microsoftgraph?validationToken=a+b`, {
      headers: { 'content-type': 'application/json' },
      body: '{"not json',
    });
    expect(answer).toMatchObject({ status: 200, text: 'a b' });
  });

  it('applies WEBHOOK_MAX_BODY_BYTES to webhook routes only', async () => {
    const body = (size: number): string => `[${' '.repeat(size - 2)}]`;
    expectError(await sendWebhook(`${ingest.eventsUrl}/hubspot`, { headers: { 'content-type': 'application/json' }, body: body(LIMIT + 1) }), 413, 'request body is too large');
    const atLimit = await sendWebhook(`${ingest.eventsUrl}/hubspot`, { headers: { 'content-type': 'application/json' }, body: body(LIMIT) });
    expectError(atLimit, 404, 'no hubspot instance matches this call');
    const api = await sendWebhook(`${ingest.localUrl}/health/live`, { headers: { 'content-type': 'application/json' }, body: JSON.stringify({ a: 'x'.repeat(LIMIT * 2) }) });
    expectError(api, 404, 'Cannot POST /health/live');
  });

  it('inflates gzip bodies, and refuses ones that do not inflate or use an unknown encoding', async () => {
    const inflated = await sendWebhook(`${ingest.eventsUrl}/hubspot`, {
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      body: gzipSync('{"not":"an array"}'),
    });
    expectError(inflated, 400, 'a HubSpot webhook body must be a JSON array of events');
    expectError(
      await sendWebhook(`${ingest.eventsUrl}/hubspot`, { headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: 'not gzip' }),
      400,
      'request body could not be read',
    );
    expectError(
      await sendWebhook(`${ingest.eventsUrl}/hubspot`, { headers: { 'content-type': 'application/json', 'content-encoding': 'x-unknown' }, body: '[]' }),
      415,
      'request body has an unsupported Content-Encoding',
    );
  });
});
