import { randomInt } from 'node:crypto';
import { MESSAGE_BUS, MessageBus, TOPICS } from '@connector-events/messaging';
import { FAKE_HUBSPOT_WEBHOOK_URL, FakeHubSpot, SentWebhook, sendWebhook } from '@connector-events/testing';
import { RunningIngest, startIngest } from './support/ingest-app';
import { provideInstances } from './support/instance-snapshots';

const CLIENT_SECRET = 'hubspot-client-secret-value';
const PUBLIC_BASE_URL = 'https://events.example.com';
const PUBLISH_TIMEOUT_MS = 300;

/**
 * webhook-ingest over the in-process bus, whose publish is made to fail: the provider must
 * never hear 2xx for an event that was not stored. No infrastructure needed.
 */
describe('webhook-ingest when the message bus fails', () => {
  const hubspot = new FakeHubSpot();
  let ingest: RunningIngest;
  let bus: MessageBus;
  let portalId: number;

  beforeAll(async () => {
    ingest = await startIngest({
      transport: 'in-process',
      env: { PUBLIC_BASE_URL },
      ingest: { publishTimeoutMs: PUBLISH_TIMEOUT_MS },
    });
    bus = ingest.app.get<MessageBus>(MESSAGE_BUS);
    portalId = randomInt(100_000_000, 999_999_999);
    await provideInstances(ingest.app, {
      elementKey: 'hubspot',
      providerData: { hub_id: String(portalId) },
      secrets: { 'oauth.api.secret': CLIENT_SECRET },
    });
  });
  afterEach(() => jest.restoreAllMocks());
  afterAll(() => ingest?.app.close());

  function call(): Promise<SentWebhook> {
    const signed = hubspot.webhookV3(CLIENT_SECRET, {
      events: [{ eventId: randomInt(1, 1e9), portalId, subscriptionType: 'contact.creation', objectId: 151, occurredAt: Date.now() }],
    });
    return sendWebhook(FAKE_HUBSPOT_WEBHOOK_URL.replace(PUBLIC_BASE_URL, ingest.localUrl), signed);
  }

  function expectError(answer: SentWebhook, status: number, message: string): void {
    expect({ status: answer.status, body: JSON.parse(answer.text) as unknown }).toEqual({
      status,
      body: { requestId: answer.headers['x-request-id'], message },
    });
  }

  it('answers 200 once the bus acknowledged the raw event (the control case)', async () => {
    const publish = jest.spyOn(bus, 'publish');
    expect((await call()).status).toBe(200);
    expect(publish).toHaveBeenCalledWith(TOPICS.rawEvents, [{ value: expect.objectContaining({ elementKey: 'hubspot', source: 'webhook' }) }]);
  });

  it('answers 503 with Retry-After when the publish is refused', async () => {
    jest.spyOn(bus, 'publish').mockRejectedValue(Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { name: 'KafkaJSConnectionError' }));
    const answer = await call();
    expectError(answer, 503, 'the event could not be stored right now; nothing was accepted, please retry');
    expect(answer.headers['retry-after']).toBe('5');
  });

  it('answers 503 when the bus does not acknowledge in time, without waiting longer', async () => {
    jest.spyOn(bus, 'publish').mockReturnValue(new Promise<void>(() => undefined));
    const started = Date.now();
    const answer = await call();
    expectError(answer, 503, 'the event could not be stored right now; nothing was accepted, please retry');
    expect(Date.now() - started).toBeGreaterThanOrEqual(PUBLISH_TIMEOUT_MS - 20);
    expect(Date.now() - started).toBeLessThan(PUBLISH_TIMEOUT_MS + 2_000);
  });

  it('answers 503 when a late publish fails after the call already timed out, and nothing else breaks', async () => {
    let fail: (error: Error) => void = () => undefined;
    jest.spyOn(bus, 'publish').mockReturnValue(new Promise<void>((_, reject) => (fail = reject)));
    expect((await call()).status).toBe(503);
    fail(new Error('broker gone'));
    jest.restoreAllMocks();
    expect((await call()).status).toBe(200);
  });

  it('answers 413, not 503, when the broker can never take the event', async () => {
    jest.spyOn(bus, 'publish').mockRejectedValue(
      Object.assign(new Error('The request included a message larger than the max message size the server will accept'), {
        name: 'KafkaJSProtocolError',
        type: 'MESSAGE_TOO_LARGE',
        retriable: false,
      }),
    );
    expectError(await call(), 413, 'the event is larger than the message bus accepts; it was not stored');
  });

  it('counts those calls as bus_unavailable', async () => {
    const text = await (await fetch(`${ingest.localUrl}/metrics`)).text();
    expect(text).toMatch(/webhook_ingest_calls_total\{element_key="hubspot",outcome="bus_unavailable",service="webhook-ingest"\} 3/);
    expect(text).toMatch(/webhook_ingest_calls_total\{element_key="hubspot",outcome="too_large",service="webhook-ingest"\} 1/);
  });
});
