import {
  FAKE_HUBSPOT_WEBHOOK_URL,
  FakeHubSpot,
  arbitraryMutation,
  arbitraryRawBody,
  expectNormalizedValid,
  expectSchemaValid,
  inboundWebhook,
  onlyConnectorErrors,
  present,
} from '@connector-events/testing';
import fc from 'fast-check';
import { ConnectorAdapter } from '../../core/connector-adapter';
import { ConnectorError } from '../../core/connector-error';
import { ConnectorInstance } from '../../core/connector-instance';
import { RefreshingSession } from '../../core/refreshing-session';
import { ProviderHttpClient } from '../../http/provider-http-client';
import { WebhookHandler } from '../../core/webhook-handler';
import { BUILT_IN_CONNECTORS } from '../../registry/built-in-connectors';
import { ConnectorRegistry } from '../../registry/connector-registry';
import { encodeInstanceSegment } from '../../webhooks/explicit-instance-ids';
import { HUBSPOT_CONNECTOR } from './hubspot.connector';

const APP = { clientId: 'hs-client-id', clientSecret: 'hs-client-secret', redirectUri: 'https://app.example.com/oauth/hubspot' };

/** The documented example batch (legacy webhooks guide), one property change and one creation. */
const DOCUMENTED_BATCH = [
  { objectId: 1246965, propertyName: 'lifecyclestage', propertyValue: 'subscriber', changeSource: 'ACADEMY', eventId: 3816279340, subscriptionId: 25, portalId: 33, appId: 1160452, occurredAt: 1462216307945, subscriptionType: 'contact.propertyChange', attemptNumber: 0 },
  { objectId: 1246978, changeSource: 'IMPORT', eventId: 3816279480, subscriptionId: 22, portalId: 33, appId: 1160452, occurredAt: 1462216307945, subscriptionType: 'contact.creation', attemptNumber: 0 },
];

function thrown(call: () => unknown): unknown {
  try {
    call();
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('HubSpot connector', () => {
  const fake = new FakeHubSpot();
  let hubspot: ConnectorAdapter;
  const webhook = (): WebhookHandler => present(hubspot.webhook, 'the webhook handler');

  beforeAll(async () => {
    await fake.start();
    fake.registerApp(APP);
    hubspot = new ConnectorRegistry({ modules: [HUBSPOT_CONNECTOR], providerBaseUrls: { hubspot: fake.server.baseUrl } }).get('hubspot');
  });
  afterAll(() => fake.close());

  /** A portal with the app installed, and an instance whose session refreshes through the fake. */
  async function provision(id = 7): Promise<{ portalId: number; instance: ConnectorInstance; session: RefreshingSession }> {
    const { portal, code } = fake.installApp(APP.clientId);
    const tokens = await hubspot.oauth.exchangeCode({ code, ...APP, providerData: {} });
    const instance: ConnectorInstance = {
      id,
      elementKey: 'hubspot',
      configuration: { 'oauth.api.key': APP.clientId, 'oauth.api.secret': APP.clientSecret },
      providerData: tokens.providerData,
    };
    const session = new RefreshingSession(hubspot.oauth, { ...APP, providerData: tokens.providerData }, tokens);
    return { portalId: portal.portalId, instance, session };
  }

  it('is found under its alias among the built-in connectors', () => {
    const registry = new ConnectorRegistry({ modules: BUILT_IN_CONNECTORS, providerBaseUrls: { hubspot: fake.server.baseUrl } });
    const adapter = registry.get('hubspotcrm');
    expect(adapter).toBe(registry.get('HubSpot'));
    expect(adapter.descriptor).toMatchObject({ elementKey: 'hubspot', hubKey: 'crm', eventsMethods: ['webhook', 'polling'] });
    expect(adapter.descriptor.objects).toEqual(['contacts', 'companies', 'deals', 'tickets', 'products', 'line_items']);
  });

  describe('OAuth', () => {
    it('exchanges a code, then learns the portal from the access token metadata', async () => {
      const before = Date.now();
      const { portalId, instance, session } = await provision();
      const portal = fake.portal(portalId);
      expect(instance.providerData).toEqual({ hub_id: String(portalId), hub_domain: portal.hubDomain, user: portal.user });
      expect(Date.parse(present(session.current.expiresAt))).toBeGreaterThanOrEqual(before + 1_799_000);
      expect(session.current.scope).toContain('crm.objects.contacts.read');
      const exchange = fake.server.requestsTo('POST', '/oauth/v1/token').at(-1);
      expect(exchange?.form).toEqual({
        grant_type: 'authorization_code',
        code: expect.any(String),
        redirect_uri: APP.redirectUri,
        client_id: APP.clientId,
        client_secret: APP.clientSecret,
      });
      expect(fake.server.requestsTo('GET', `/oauth/v1/access-tokens/${session.current.accessToken}`)).toHaveLength(1);
    });

    it('refreshes with grant_type=refresh_token, keeps the portal and the rotated refresh token', async () => {
      const { portalId, session } = await provision();
      const before = session.current;
      await session.refreshedAccessToken();
      expect(session.current.accessToken).not.toBe(before.accessToken);
      expect(session.current.refreshToken).toEqual(expect.any(String));
      expect(session.current.refreshToken).not.toBe(before.refreshToken);
      expect(session.current.providerData).toEqual(before.providerData);
      expect(session.current.providerData['hub_id']).toBe(String(portalId));
      expect(fake.server.requestsTo('POST', '/oauth/v1/token').at(-1)?.form).toEqual({
        grant_type: 'refresh_token',
        refresh_token: before.refreshToken,
        client_id: APP.clientId,
        client_secret: APP.clientSecret,
      });
      // The new refresh token is the one that works next time.
      await session.refreshedAccessToken();
    });

    it('turns a used code into oauth_code_rejected (400) with HubSpot\'s message', async () => {
      const { code } = fake.installApp(APP.clientId);
      const exchange = () => hubspot.oauth.exchangeCode({ code, ...APP, providerData: {} });
      await exchange();
      const error = await exchange().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ code: 'oauth_code_rejected', status: 400, message: 'HubSpot refused the authorization code: missing or unknown auth code' });
    });

    it('has a fake that refuses codes exactly as HubSpot does: 400 with status, message and correlationId', async () => {
      const answer = await new ProviderHttpClient().send('HubSpot', {
        method: 'POST',
        url: `${fake.server.baseUrl}/oauth/v1/token`,
        form: { grant_type: 'authorization_code', code: 'never-issued', redirect_uri: APP.redirectUri, client_id: APP.clientId, client_secret: APP.clientSecret },
      });
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toEqual({ status: 'BAD_AUTH_CODE', message: 'missing or unknown auth code', correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    });

    it('surfaces a wrong redirect URI and an unknown client in HubSpot\'s words', async () => {
      const { code } = fake.installApp(APP.clientId);
      await expect(hubspot.oauth.exchangeCode({ code, ...APP, redirectUri: 'https://elsewhere.example.com', providerData: {} })).rejects.toMatchObject({
        code: 'oauth_code_rejected',
        message: expect.stringContaining('redirect_uri does not match initial auth code URL'),
      });
      await expect(hubspot.oauth.exchangeCode({ code, ...APP, clientId: 'unknown-app', providerData: {} })).rejects.toMatchObject({
        code: 'oauth_code_rejected',
        message: expect.stringContaining('missing or invalid client id'),
      });
    });

    it('turns a revoked refresh token into oauth_refresh_rejected', async () => {
      const { session } = await provision();
      fake.oauth.revokeRefreshTokens();
      await expect(session.refreshedAccessToken()).rejects.toMatchObject({
        code: 'oauth_refresh_rejected',
        message: 'HubSpot refused the refresh token: missing or invalid refresh token',
      });
    });

    it('keeps the hub_id of the token response when the metadata lookup fails (the code is already spent)', async () => {
      fake.accessTokenInfoAvailable = false;
      try {
        const { portalId, instance } = await provision();
        expect(instance.providerData).toEqual({ hub_id: String(portalId) });
      } finally {
        fake.accessTokenInfoAvailable = true;
      }
    });
  });

  describe('webhook', () => {
    it('has no handshake and acknowledges with an empty 200', () => {
      expect(webhook().handshake(inboundWebhook('', { method: 'GET', query: { challenge: 'x' } }))).toBeUndefined();
      expect(webhook().handshake(inboundWebhook(JSON.stringify(DOCUMENTED_BATCH)))).toBeUndefined();
      expect(webhook().acceptedReply).toEqual({ status: 200, headers: {}, body: '' });
      expect(webhook().secretConfigurationKeys).toEqual(['oauth.api.secret']);
    });

    it('routes by portal, verifies v3 and normalizes only the instance\'s own portal', async () => {
      const a = await provision(11);
      const b = await provision(12);
      fake.takeEvents();
      const t0 = Date.UTC(2026, 2, 1, 9, 0, 0);
      const contact = fake.createRecord(a.portalId, 'contacts', { email: 'ada@example.com' }, new Date(t0));
      fake.updateRecord(a.portalId, 'contacts', contact.id, { firstname: 'Ada', lastname: 'Lovelace' }, new Date(t0 + 1000));
      const company = fake.createRecord(a.portalId, 'companies', { name: 'Analytical Engines' }, new Date(t0 + 2000));
      const deal = fake.createRecord(a.portalId, 'deals', { dealname: 'Engine' }, new Date(t0 + 3000));
      fake.deleteRecord(a.portalId, 'deals', deal.id, new Date(t0 + 4000));
      const ticket = fake.createRecord(b.portalId, 'tickets', { subject: 'Other portal' }, new Date(t0 + 5000));
      const signed = fake.webhookV3(APP.clientSecret);
      const request = inboundWebhook(signed.body, { url: signed.url, headers: signed.headers });

      expect(webhook().route(request)).toEqual({ instanceIds: [], providerKeys: [`portal:${a.portalId}`, `portal:${b.portalId}`] });
      expect(webhook().instanceKeys(a.instance)).toEqual([`portal:${a.portalId}`]);
      webhook().verify(request, a.instance, new Date());
      webhook().verify(request, b.instance, new Date());

      const body = JSON.parse(signed.body) as unknown[];
      const receivedAt = new Date();
      const forA = await webhook().normalize({ instance: a.instance, body, headers: signed.headers, receivedAt, state: {} }, { session: a.session });
      expect(forA.events).toEqual([
        { objectType: 'contacts', objectId: contact.id, eventType: 'CREATED', elementKey: 'hubspot', hubKey: 'crm', date: new Date(t0).toISOString() },
        // Two property changes at the same instant are one UPDATED event.
        { objectType: 'contacts', objectId: contact.id, eventType: 'UPDATED', elementKey: 'hubspot', hubKey: 'crm', date: new Date(t0 + 1000).toISOString() },
        { objectType: 'companies', objectId: company.id, eventType: 'CREATED', elementKey: 'hubspot', hubKey: 'crm', date: new Date(t0 + 2000).toISOString() },
        { objectType: 'deals', objectId: deal.id, eventType: 'CREATED', elementKey: 'hubspot', hubKey: 'crm', date: new Date(t0 + 3000).toISOString() },
        { objectType: 'deals', objectId: deal.id, eventType: 'DELETED', elementKey: 'hubspot', hubKey: 'crm', date: new Date(t0 + 4000).toISOString() },
      ]);
      expect(forA.raw).toEqual({ payload: body });
      expect(forA.stateUpdates).toBeUndefined();
      expectSchemaValid(forA.events);

      const forB = await webhook().normalize({ instance: b.instance, body, headers: signed.headers, receivedAt, state: {} }, { session: b.session });
      expect(forB.events).toEqual([expect.objectContaining({ objectType: 'tickets', objectId: ticket.id, eventType: 'CREATED' })]);
      expect(await webhook().initialState(a.instance, { session: a.session })).toEqual({});
    });

    it('accepts the body already wrapped as {"payload": [...]} (how raw events keep it)', async () => {
      const instance = { id: 1, elementKey: 'hubspot', configuration: {}, providerData: { hub_id: '33' } };
      const session = { accessToken: async () => 't', refreshedAccessToken: async () => 't' };
      const result = await webhook().normalize({ instance, body: { payload: DOCUMENTED_BATCH }, headers: {}, receivedAt: new Date(), state: {} }, { session });
      expect(result.raw).toEqual({ payload: DOCUMENTED_BATCH });
      expect(result.events).toEqual([
        expect.objectContaining({ objectType: 'contacts', objectId: '1246965', eventType: 'UPDATED', date: '2016-05-02T19:11:47.945Z' }),
        expect.objectContaining({ objectType: 'contacts', objectId: '1246978', eventType: 'CREATED', date: '2016-05-02T19:11:47.945Z' }),
      ]);
    });

    it('maps every subscription action and every object prefix', async () => {
      const instance = { id: 1, elementKey: 'hubspot', configuration: {}, providerData: {} };
      const session = { accessToken: async () => 't', refreshedAccessToken: async () => 't' };
      const actions = { creation: 'CREATED', restore: 'CREATED', propertyChange: 'UPDATED', merge: 'UPDATED', associationChange: 'UPDATED', deletion: 'DELETED', privacyDeletion: 'DELETED', somethingNew: 'UNKNOWN' };
      const prefixes = { contact: 'contacts', company: 'companies', deal: 'deals', ticket: 'tickets', product: 'products', line_item: 'line_items', conversation: 'conversation' };
      const body = Object.keys(prefixes).flatMap((prefix, p) =>
        Object.keys(actions).map((action, a) => ({ portalId: 1, objectId: p * 100 + a, occurredAt: 1700000000000 + p * 100 + a, subscriptionType: `${prefix}.${action}` })),
      );
      const { events } = await webhook().normalize({ instance, body, headers: {}, receivedAt: new Date(), state: {} }, { session });
      expect(events.map((e) => [e.objectType, e.eventType])).toEqual(
        Object.values(prefixes).flatMap((objectType) => Object.values(actions).map((eventType) => [objectType, eventType])),
      );
    });

    it('reads generic object.* subscriptions by objectTypeId', async () => {
      const { portalId, instance, session } = await provision();
      fake.takeEvents();
      fake.subscriptionStyle = 'generic';
      try {
        const item = fake.createRecord(portalId, 'line_items', { name: 'Gear' });
        const product = fake.createRecord(portalId, 'products', { name: 'Engine' });
        fake.updateRecord(portalId, 'products', product.id, { price: '10' });
        const events = fake.takeEvents();
        expect(events[0]).toMatchObject({ subscriptionType: 'object.creation', objectTypeId: '0-8' });
        events.push({ ...events[0], subscriptionType: 'object.creation', objectTypeId: '2-123456', objectId: 99 });
        const result = await webhook().normalize({ instance, body: events, headers: {}, receivedAt: new Date(), state: {} }, { session });
        expect(result.events.map((e) => [e.objectType, e.objectId, e.eventType])).toEqual([
          ['line_items', item.id, 'CREATED'],
          ['products', product.id, 'CREATED'],
          ['products', product.id, 'UPDATED'],
          ['2-123456', '99', 'CREATED'],
        ]);
      } finally {
        fake.subscriptionStyle = 'legacy';
      }
    });

    it('keeps every portal\'s events for an instance that does not know its portal', async () => {
      const instance = { id: 1, elementKey: 'hubspot', configuration: {}, providerData: {} };
      const session = { accessToken: async () => 't', refreshedAccessToken: async () => 't' };
      const body = [DOCUMENTED_BATCH[1], { ...DOCUMENTED_BATCH[1], portalId: 34, objectId: 5 }];
      const result = await webhook().normalize({ instance, body, headers: {}, receivedAt: new Date(), state: {} }, { session });
      expect(result.events.map((e) => e.objectId)).toEqual(['1246978', '5']);
      expect(webhook().instanceKeys(instance)).toEqual([]);
    });

    it('routes instances named in the path and in Element-Instances too', () => {
      const request = inboundWebhook(JSON.stringify(DOCUMENTED_BATCH), { instanceSegment: encodeInstanceSegment(42), headers: { 'element-instances': '43, 44' } });
      expect(webhook().route(request)).toEqual({ instanceIds: [42, 43, 44], providerKeys: ['portal:33'] });
    });

    it('accepts v2- and v1-signed calls from the fake', async () => {
      const { portalId, instance } = await provision();
      fake.createRecord(portalId, 'contacts');
      const events = fake.takeEvents();
      for (const signed of [fake.webhookV2(APP.clientSecret, { events }), fake.webhookV1(APP.clientSecret, { events })]) {
        expect(() => webhook().verify(inboundWebhook(signed.body, { url: signed.url, headers: signed.headers }), instance, new Date())).not.toThrow();
      }
    });

    describe('rejects', () => {
      const instance = { id: 1, elementKey: 'hubspot', configuration: { 'oauth.api.secret': APP.clientSecret }, providerData: { hub_id: '33' } };
      const verify = (signed: { body: string; url: string; headers: Record<string, string> }, now = new Date()) => () =>
        webhook().verify(inboundWebhook(signed.body, { url: signed.url, headers: signed.headers }), instance, now);
      const signed = (options: { timestamp?: number } = {}) => fake.webhookV3(APP.clientSecret, { events: DOCUMENTED_BATCH, ...options });

      it('a tampered body', () => {
        const call = signed();
        expect(verify({ ...call, body: call.body.replace('subscriber', 'customer') })).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid', status: 401 }));
      });
      it('a signature made with another key', () => {
        expect(verify(fake.webhookV3('not-the-secret', { events: DOCUMENTED_BATCH }))).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid' }));
      });
      it('a call to another URL than the one signed', () => {
        expect(verify({ ...signed(), url: `${FAKE_HUBSPOT_WEBHOOK_URL}/${encodeInstanceSegment(1)}` })).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid' }));
      });
      it('a missing signature', () => {
        expect(verify({ ...signed(), headers: { 'content-type': 'application/json' } })).toThrow(expect.objectContaining({ code: 'webhook_signature_missing' }));
      });
      it('a stale or future timestamp', () => {
        const now = Date.now();
        expect(verify(signed({ timestamp: now - 6 * 60_000 }), new Date(now))).toThrow(expect.objectContaining({ code: 'webhook_timestamp_stale', status: 401 }));
        expect(verify(signed({ timestamp: now + 6 * 60_000 }), new Date(now))).toThrow(expect.objectContaining({ code: 'webhook_timestamp_stale' }));
        expect(verify(signed({ timestamp: now - 4 * 60_000 }), new Date(now))).not.toThrow();
      });
      it('a body that is not an array of events, naming what is wrong', () => {
        expect(thrown(() => webhook().route(inboundWebhook('{"portalId":33}')))).toMatchObject({ code: 'webhook_payload_invalid', message: 'a HubSpot webhook body must be a JSON array of events' });
        expect(thrown(() => webhook().route(inboundWebhook('[{"portalId":33}, 7]')))).toMatchObject({ code: 'webhook_payload_invalid', message: 'event [1] is not a JSON object' });
        expect(thrown(() => webhook().route(inboundWebhook('[{"portalId":"33; drop"}]')))).toMatchObject({ message: 'event [0].portalId must be a HubSpot portal id (digits)' });
        expect(thrown(() => webhook().route(inboundWebhook('')))).toMatchObject({ code: 'webhook_payload_invalid' });
      });
      it('more than 1000 events', async () => {
        const body = Array.from({ length: 1001 }, () => DOCUMENTED_BATCH[1]);
        expect(thrown(() => webhook().route(inboundWebhook(JSON.stringify(body))))).toMatchObject({ code: 'webhook_payload_invalid', message: expect.stringContaining('at most 1000') });
        const session = { accessToken: async () => 't', refreshedAccessToken: async () => 't' };
        await expect(webhook().normalize({ instance, body, headers: {}, receivedAt: new Date(), state: {} }, { session })).rejects.toMatchObject({ code: 'webhook_payload_invalid' });
        expect(webhook().route(inboundWebhook(JSON.stringify(body.slice(0, 1000)))).providerKeys).toEqual(['portal:33']);
      });
    });
  });

  describe('properties', () => {
    const instance = { id: 1, elementKey: 'hubspot', configuration: { 'oauth.api.secret': APP.clientSecret }, providerData: { hub_id: '33' } };
    const session = { accessToken: async () => 't', refreshedAccessToken: async () => 't' };
    const headers = fc.record(
      {
        'x-hubspot-signature-v3': fc.string({ maxLength: 60 }),
        'x-hubspot-request-timestamp': fc.oneof(fc.string({ maxLength: 20 }), fc.integer().map(String), fc.constant(String(Date.now()))),
        'x-hubspot-signature': fc.string({ maxLength: 70 }),
        'x-hubspot-signature-version': fc.oneof(fc.constantFrom('v1', 'v2', 'v3', ''), fc.string({ maxLength: 5 })),
        'element-instances': fc.string({ maxLength: 20 }),
      },
      { requiredKeys: [] },
    );
    const event = arbitraryMutation({
      ...DOCUMENTED_BATCH[0],
      subscriptionType: fc.oneof(
        fc.constantFrom('contact.creation', 'deal.deletion', 'object.merge', 'company.associationChange', 'line_item.privacyDeletion', 'x.', '.y', ''),
        fc.string({ maxLength: 30 }),
      ),
      portalId: fc.constantFrom(33, '33', 34),
      objectTypeId: fc.constantFrom('0-1', '0-5', '2-99', ''),
      fromObjectId: 77,
    });

    it('route and verify throw only ConnectorErrors, whatever the body and headers', async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryRawBody(), headers, fc.webUrl({ withQueryParameters: true }), async (body, h, url) => {
          const request = inboundWebhook(body, { headers: h as Record<string, string>, url });
          await onlyConnectorErrors(() => webhook().route(request));
          await onlyConnectorErrors(() => webhook().verify(request, instance, new Date()));
        }),
      );
    });

    it('route reads mutated documented batches or refuses them with a payload error', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(event, { maxLength: 6 }), async (events) => {
          const route = await onlyConnectorErrors(() => webhook().route(inboundWebhook(JSON.stringify(events))));
          if (route) expect(route.providerKeys.every((key) => /^portal:\d+$/.test(key))).toBe(true);
        }),
      );
    });

    it('normalize turns any JSON, and mutated documented batches, into schema-valid event objects or a ConnectorError', async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(fc.json({ maxDepth: 4 }).map((text) => JSON.parse(text) as unknown), fc.array(event, { maxLength: 8 })), async (body) => {
          const result = await onlyConnectorErrors(() => webhook().normalize({ instance, body, headers: {}, receivedAt: new Date(), state: {} }, { session }));
          expectNormalizedValid(result);
          if (result) {
            expect(Array.isArray(result.raw['payload'])).toBe(true);
            expect(result.events.length).toBeLessThanOrEqual((result.raw['payload'] as unknown[]).length);
          }
        }),
        { numRuns: 300 },
      );
    });

    it('a correctly signed mutated batch always verifies', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(event, { maxLength: 4 }), async (events) => {
          const signed = fake.webhookV3(APP.clientSecret, { events: events as Record<string, unknown>[] });
          expect(() => webhook().verify(inboundWebhook(signed.body, { url: signed.url, headers: signed.headers }), instance, new Date())).not.toThrow();
        }),
        { numRuns: 50 },
      );
    });
  });
});
