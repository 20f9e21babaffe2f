import { FakeGenericProvider, inboundWebhook, present } from '@connector-events/testing';
import { createHmac } from 'node:crypto';
import * as path from 'node:path';
import { ConnectorAdapter } from '../../core/connector-adapter';
import { ConnectorError } from '../../core/connector-error';
import { ConnectorInstance } from '../../core/connector-instance';
import { RefreshingSession } from '../../core/refreshing-session';
import { ProviderSession } from '../../core/provider-session';
import { WebhookHandler } from '../../core/webhook-handler';
import { ProviderHttpClient } from '../../http/provider-http-client';
import { BUILT_IN_CONNECTORS } from '../../registry/built-in-connectors';
import { ConnectorRegistry } from '../../registry/connector-registry';
import { encodeInstanceSegment } from '../../webhooks/explicit-instance-ids';
import { GenericConnectorDefinition } from './generic-connector-definition';
import { loadGenericConnectorDefinitions } from './generic-connector-definitions';
import { createGenericConnector } from './generic.connector';

const [ACME] = loadGenericConnectorDefinitions(path.join(__dirname, 'examples', 'acme-crm.connector.json'));
const APP = { clientId: 'acme-client-id', clientSecret: 'acme-client-secret', redirectUri: 'https://app.example.com/oauth/callback' };
const WEBHOOK_SECRET = 'whsec_3c1d0f2a9b';
/** Generic webhooks never call the provider, so normalize must never use the session. */
const unusedSession: ProviderSession = {
  accessToken: () => Promise.reject(new Error('the generic connector must not call the provider')),
  refreshedAccessToken: () => Promise.reject(new Error('the generic connector must not call the provider')),
};

/** The Acme definition with some webhook parts replaced. */
function acmeWith(webhook: Partial<GenericConnectorDefinition['webhook']>, elementKey = 'acmevariant'): GenericConnectorDefinition {
  const acme = present(ACME);
  return { ...acme, elementKey, aliases: [], webhook: { ...acme.webhook, ...webhook } };
}

function webhookOf(definition: GenericConnectorDefinition): WebhookHandler {
  return present(new ConnectorRegistry({ modules: [createGenericConnector(definition)] }).get(definition.elementKey).webhook);
}

/** One Acme event as the imaginary Acme CRM documents it. */
function acmeEvent(accountId: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'evt_01HV9Z3Q',
    type: 'contact.created',
    object: 'contact',
    objectId: 'ct_1001',
    occurredAt: '2024-05-01T10:15:30.000Z',
    accountId,
    ...fields,
  };
}

function acmeInstance(accountId: string | undefined, configuration: Record<string, string> = { 'acme.webhook.secret': WEBHOOK_SECRET }): ConnectorInstance {
  return { id: 41, elementKey: 'acmecrm', configuration, providerData: accountId ? { account_id: accountId } : {} };
}

describe('generic connector (Acme CRM example definition)', () => {
  const definition = present(ACME);
  const fake = new FakeGenericProvider(definition);
  let acme: ConnectorAdapter;

  beforeAll(async () => {
    await fake.start();
    fake.registerApp(APP);
    const registry = new ConnectorRegistry({ modules: [createGenericConnector(definition)], providerBaseUrls: { acmecrm: fake.server.baseUrl } });
    acme = registry.get('acmecrm');
    expect(registry.get('ACME')).toBe(acme);
  });
  afterAll(() => fake.close());

  const webhook = () => present(acme.webhook);

  it('describes itself from the definition', () => {
    expect(acme.descriptor).toEqual({
      elementKey: 'acmecrm',
      aliases: ['acme'],
      displayName: 'Acme CRM',
      hubKey: 'crm',
      eventsMethods: ['webhook'],
      objects: ['contact', 'company', 'deal'],
    });
    expect(webhook().secretConfigurationKeys).toEqual(['acme.webhook.secret']);
    expect(webhook().acceptedReply).toEqual({ status: 200, headers: {}, body: '' });
  });

  describe('OAuth', () => {
    async function provision(): Promise<{ accountId: string; session: RefreshingSession }> {
      const { code, facts } = fake.linkAccount(APP.clientId);
      const tokens = await acme.oauth.exchangeCode({ code, ...APP, providerData: {} });
      const session = new RefreshingSession(acme.oauth, { ...APP, providerData: tokens.providerData }, tokens);
      return { accountId: present(facts['account_id']), session };
    }

    it('exchanges a code at the token path with HTTP Basic and keeps the listed token-response fields', async () => {
      const { accountId, session } = await provision();
      expect(session.current).toMatchObject({ tokenType: 'Bearer', scope: 'contacts.read companies.read deals.read', providerData: { account_id: accountId } });
      expect(session.current.refreshToken).toMatch(/^acmecrm\.rt-/);
      expect(Date.parse(session.current.expiresAt ?? '')).toBeGreaterThan(Date.now() + 3_500_000);
      const call = fake.server.requestsTo('POST', '/oauth2/token').at(-1);
      expect(call?.headers['authorization']).toBe(`Basic ${Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString('base64')}`);
      expect(call?.form).toEqual({ grant_type: 'authorization_code', code: expect.any(String), redirect_uri: APP.redirectUri, scope: 'contacts.read companies.read deals.read' });
    });

    it('keeps only the listed fields, also from what came back with the code', async () => {
      const { code } = fake.linkAccount(APP.clientId, { account_id: 'acct_42', user_id: 'usr_7' });
      const tokens = await acme.oauth.exchangeCode({ code, ...APP, providerData: { account_id: 'acct_from_redirect', state: 'xyz' } });
      expect(tokens.providerData).toEqual({ account_id: 'acct_42' });
    });

    it('refreshes, and the rotated refresh token replaces the old one', async () => {
      const { session } = await provision();
      const before = session.current;
      await session.refreshedAccessToken();
      expect(session.current.accessToken).not.toBe(before.accessToken);
      expect(session.current.refreshToken).not.toBe(before.refreshToken);
      expect(fake.server.requestsTo('POST', '/oauth2/token').at(-1)?.form).toMatchObject({ grant_type: 'refresh_token', refresh_token: before.refreshToken });
    });

    it('turns a reused code into oauth_code_rejected (400) with the provider reason', async () => {
      const { code } = fake.linkAccount(APP.clientId);
      const exchange = () => acme.oauth.exchangeCode({ code, ...APP, providerData: {} });
      await exchange();
      const error = await exchange().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ code: 'oauth_code_rejected', status: 400 });
      expect((error as Error).message).toBe('Acme CRM refused the authorization code: the code is unknown, used or expired');
    });

    it('turns a revoked refresh token into oauth_refresh_rejected', async () => {
      const { session } = await provision();
      fake.oauth.revokeRefreshTokens();
      await expect(session.refreshedAccessToken()).rejects.toMatchObject({ code: 'oauth_refresh_rejected', status: 401 });
    });

    it('sends body client authentication when the definition says so, to the token URL path and query', async () => {
      const bodyAuth: GenericConnectorDefinition = {
        ...definition,
        elementKey: 'acmebody',
        aliases: [],
        oauth: { tokenUrl: 'https://login.acme.example/tenant/oauth2/v2/token', clientAuthentication: 'body', providerDataFields: ['account_id'] },
      };
      const provider = new FakeGenericProvider(bodyAuth);
      await provider.start();
      try {
        provider.registerApp(APP);
        const adapter = new ConnectorRegistry({ modules: [createGenericConnector(bodyAuth)], providerBaseUrls: { acmebody: provider.server.baseUrl } }).get('acmebody');
        const { code, facts } = provider.linkAccount(APP.clientId);
        const tokens = await adapter.oauth.exchangeCode({ code, ...APP, providerData: {} });
        expect(tokens.providerData).toEqual(facts);
        const call = provider.server.requestsTo('POST', '/tenant/oauth2/v2/token').at(-1);
        expect(call?.headers['authorization']).toBeUndefined();
        expect(call?.form).toMatchObject({ client_id: APP.clientId, client_secret: APP.clientSecret });
      } finally {
        await provider.close();
      }
    });

    it('is refused by a provider expecting the other client authentication (the fake enforces it)', async () => {
      const wrong = createGenericConnector({ ...definition, oauth: { ...definition.oauth, clientAuthentication: 'body' } });
      const adapter = wrong.create({ http: new ProviderHttpClient(), baseUrlOverride: fake.server.baseUrl, clock: () => new Date() });
      const { code } = fake.linkAccount(APP.clientId);
      const error = await adapter.oauth.exchangeCode({ code, ...APP, providerData: {} }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'oauth_code_rejected', status: 400 });
      expect((error as Error).message).toContain('client authentication must use HTTP Basic');
    });

    it('talks to a fake that refuses the RFC 6749 way (§5.2 error body, no-store, Basic challenge)', async () => {
      const answer = await new ProviderHttpClient().send('test', {
        method: 'POST',
        url: `${fake.server.baseUrl}/oauth2/token`,
        headers: { authorization: `Basic ${Buffer.from(`${APP.clientId}:wrong`).toString('base64')}` },
        form: { grant_type: 'authorization_code', code: 'x', redirect_uri: APP.redirectUri },
      });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
      expect(answer.headers).toMatchObject({ 'cache-control': 'no-store', 'www-authenticate': 'Basic realm="Acme CRM"' });
    });

    it('asks for the OAuth app configuration when it is missing', async () => {
      await expect(acme.oauth.exchangeCode({ code: 'x', clientId: '', clientSecret: '', redirectUri: APP.redirectUri, providerData: {} })).rejects.toMatchObject({
        code: 'configuration_invalid',
      });
    });
  });

  describe('webhook', () => {
    it('echoes the handshake challenge as text/plain with nosniff, only for the configured method', () => {
      const reply = webhook().handshake(inboundWebhook('', { method: 'GET', query: { challenge: 'ch_<b>9f</b>' } }));
      expect(reply).toEqual({
        status: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
        body: 'ch_<b>9f</b>',
      });
      expect(webhook().handshake(inboundWebhook('{}', { method: 'POST', query: { challenge: 'x' } }))).toBeUndefined();
      expect(webhook().handshake(inboundWebhook('', { method: 'GET' }))).toBeUndefined();
      const postHandshake = webhookOf(acmeWith({ handshake: { queryParameter: 'validationToken', method: 'POST' } }));
      expect(postHandshake.handshake(inboundWebhook('', { method: 'POST', query: { validationToken: 'v1' } }))?.body).toBe('v1');
    });

    it('accepts a signed call, routes it by account and maps the provider event types', async () => {
      const accountId = 'acct_8f2k';
      const body = {
        events: [
          acmeEvent(accountId),
          acmeEvent(accountId, { id: 'evt_2', type: 'deal.updated', object: 'deal', objectId: 9001, occurredAt: '2024-05-01T12:15:30+02:00' }),
          acmeEvent(accountId, { id: 'evt_3', type: 'company.deleted', object: 'company', objectId: 'co_7', occurredAt: 'yesterday' }),
          acmeEvent(accountId, { id: 'evt_4', type: 'contact.merged', objectId: 'ct_1002' }),
          acmeEvent(accountId, { id: 'evt_5', objectId: null }),
        ],
      };
      const signed = fake.signedWebhook(definition, WEBHOOK_SECRET, body);
      expect(signed.headers['x-acme-signature']).toBe(`sha256=${createHmac('sha256', WEBHOOK_SECRET).update(signed.body).digest('hex')}`);
      const request = inboundWebhook(signed.body, { headers: signed.headers });
      const instance = acmeInstance(accountId);

      expect(webhook().route(request)).toEqual({ instanceIds: [], providerKeys: [`account_id:${accountId}`] });
      expect(webhook().instanceKeys(instance)).toEqual([`account_id:${accountId}`]);
      webhook().verify(request, instance, new Date());
      const receivedAt = new Date('2024-05-01T10:16:00Z');
      const result = await webhook().normalize({ instance, body: JSON.parse(signed.body), headers: signed.headers, receivedAt, state: {} }, { session: unusedSession });

      expect(result.raw).toEqual(body);
      const common = { elementKey: 'acmecrm', hubKey: 'crm' };
      expect(result.events).toEqual([
        { ...common, objectType: 'contact', objectId: 'ct_1001', eventType: 'CREATED', date: '2024-05-01T10:15:30.000Z' },
        { ...common, objectType: 'deal', objectId: '9001', eventType: 'UPDATED', date: '2024-05-01T10:15:30.000Z' },
        { ...common, objectType: 'company', objectId: 'co_7', eventType: 'DELETED', date: receivedAt.toISOString() },
        { ...common, objectType: 'contact', objectId: 'ct_1002', eventType: 'UNKNOWN', date: '2024-05-01T10:15:30.000Z' },
      ]);
    });

    it('accepts a hex digest in upper case', () => {
      const signed = fake.signedWebhook(definition, WEBHOOK_SECRET, { events: [acmeEvent('a')] });
      const upper = signed.headers['x-acme-signature']?.replace(/[0-9a-f]{64}$/, (hex) => hex.toUpperCase()) ?? '';
      expect(() => webhook().verify(inboundWebhook(signed.body, { headers: { 'x-acme-signature': upper } }), acmeInstance('a'), new Date())).not.toThrow();
    });

    it('routes one call naming several accounts to each, and each instance keeps only its own events', async () => {
      const body = { events: [acmeEvent('acct_a', { objectId: 'a1' }), acmeEvent('acct_b', { objectId: 'b1' }), acmeEvent('acct_a', { objectId: 'a2' })] };
      const request = inboundWebhook(JSON.stringify(body));
      expect(webhook().route(request).providerKeys).toEqual(['account_id:acct_a', 'account_id:acct_b']);
      const idsFor = async (instance: ConnectorInstance) =>
        (await webhook().normalize({ instance, body, headers: {}, receivedAt: new Date(), state: {} }, { session: unusedSession })).events.map((e) => e.objectId);
      expect(await idsFor(acmeInstance('acct_a'))).toEqual(['a1', 'a2']);
      expect(await idsFor(acmeInstance('acct_b'))).toEqual(['b1']);
      // An instance named by the URL but holding no account id takes the whole call.
      expect(await idsFor(acmeInstance(undefined))).toEqual(['a1', 'b1', 'a2']);
    });

    it('routes by the instance id in the URL when the items name no account', () => {
      const request = inboundWebhook(JSON.stringify({ events: [{ type: 'contact.created', objectId: 'x' }] }), { instanceSegment: encodeInstanceSegment(41) });
      expect(webhook().route(request)).toEqual({ instanceIds: [41], providerKeys: [] });
    });

    it('gives the delivery id and the accepted status the definition names', () => {
      const variant = acmeWith({ deliveryIdHeader: 'X-Acme-Delivery', acceptedStatus: 202 });
      const handler = webhookOf(variant);
      const signed = fake.signedWebhook(variant, WEBHOOK_SECRET, { events: [] }, { deliveryId: 'dlv_77' });
      expect(handler.deliveryId?.(inboundWebhook(signed.body, { headers: signed.headers }))).toBe('dlv_77');
      expect(handler.deliveryId?.(inboundWebhook(signed.body))).toBeUndefined();
      expect(handler.acceptedReply.status).toBe(202);
      expect(webhook().deliveryId?.(inboundWebhook(signed.body, { headers: signed.headers }))).toBeUndefined();
    });

    it('reads a body that is a single event, with one object type and a name', async () => {
      const single = acmeWith({
        routing: undefined,
        events: { objectType: 'tickets', objectIdField: 'ticket.id', eventTypeField: 'action', nameField: 'ticket.subject', dateField: 'at' },
      });
      const handler = webhookOf(single);
      const body = { action: 'DELETED', at: 1714558530000, ticket: { id: 'T-9', subject: 'Printer on fire' } };
      const request = inboundWebhook(JSON.stringify(body), { instanceSegment: encodeInstanceSegment(5) });
      expect(handler.route(request)).toEqual({ instanceIds: [5], providerKeys: [] });
      const result = await handler.normalize({ instance: acmeInstance(undefined), body, headers: {}, receivedAt: new Date(), state: {} }, { session: unusedSession });
      expect(result.events).toEqual([
        { objectType: 'tickets', objectId: 'T-9', eventType: 'DELETED', name: 'Printer on fire', date: '2024-05-01T10:15:30.000Z', elementKey: 'acmevariant', hubKey: 'crm' },
      ]);
      const many = await handler.normalize({ instance: acmeInstance(undefined), body: [body, { ...body, ticket: { id: 'T-10' } }], headers: {}, receivedAt: new Date(), state: {} }, { session: unusedSession });
      expect(many.events.map((e) => e.objectId)).toEqual(['T-9', 'T-10']);
      expect(many.raw).toEqual({ body: [body, { ...body, ticket: { id: 'T-10' } }] });
    });

    it('keeps initial state empty', async () => {
      await expect(webhook().initialState(acmeInstance('a'), { session: unusedSession })).resolves.toEqual({});
    });

    describe('rejects', () => {
      const instance = acmeInstance('acct_r');
      const signed = () => fake.signedWebhook(definition, WEBHOOK_SECRET, { events: [acmeEvent('acct_r')] });
      const verify = (body: string, headers: Record<string, string>, forInstance = instance) => () =>
        webhook().verify(inboundWebhook(body, { headers }), forInstance, new Date());

      it('a tampered body', () => {
        const { body, headers } = signed();
        expect(verify(body.replace('ct_1001', 'ct_1002'), headers)).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid', status: 401, message: 'X-Acme-Signature does not match' }));
      });
      it('a signature made with another key', () => {
        const { body, headers } = fake.signedWebhook(definition, 'not-the-secret', { events: [acmeEvent('acct_r')] });
        expect(verify(body, headers)).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid' }));
      });
      it('a missing signature, naming the header', () => {
        expect(verify(signed().body, {})).toThrow(expect.objectContaining({ code: 'webhook_signature_missing', message: 'the X-Acme-Signature header is missing' }));
      });
      it('a digest without the sha256= prefix', () => {
        const { body, headers } = signed();
        expect(verify(body, { 'x-acme-signature': (headers['x-acme-signature'] ?? '').replace('sha256=', '') })).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid' }));
      });
      it('any call for an instance without the webhook secret', () => {
        const { body, headers } = fake.signedWebhook(definition, '', { events: [] });
        expect(verify(body, headers, acmeInstance('acct_r', {}))).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid' }));
      });
      it('a body that is not JSON, or names no account, saying which field is missing', () => {
        expect(() => webhook().route(inboundWebhook('events=1'))).toThrow(expect.objectContaining({ code: 'webhook_payload_invalid', message: 'the body is not valid JSON' }));
        expect(() => webhook().route(inboundWebhook('{"data":[]}'))).toThrow(/no array or object at "events" \(webhook\.routing\.itemsPath\)/);
        expect(() => webhook().route(inboundWebhook('{"events":[{"objectId":"x"}]}'))).toThrow(/"accountId" is missing \(webhook\.routing\.accountField\)/);
      });
      it('a body with more items than any provider batches', async () => {
        const body = { events: Array.from({ length: 1001 }, () => acmeEvent('a')) };
        expect(() => webhook().route(inboundWebhook(JSON.stringify(body)))).toThrow(/more than 1000 items/);
        await expect(webhook().normalize({ instance, body, headers: {}, receivedAt: new Date(), state: {} }, { session: unusedSession })).rejects.toMatchObject({ code: 'webhook_payload_invalid' });
      });
    });

    describe('with a signed timestamp (Stripe-like: HMAC of "<timestamp>.<body>")', () => {
      const stamped = acmeWith({
        signature: {
          header: 'Acme-Signature',
          algorithm: 'sha512',
          encoding: 'base64',
          secretConfigurationKey: 'acme.webhook.secret',
          timestampHeader: 'Acme-Timestamp',
          toleranceSeconds: 300,
        },
      });
      const handler = webhookOf(stamped);
      const instance = acmeInstance('acct_t');
      const now = new Date('2024-05-01T10:00:00Z');
      const seconds = now.getTime() / 1000;
      const body = { events: [acmeEvent('acct_t')] };
      const verify = (signed: { body: string; headers: Record<string, string> }) => () => handler.verify(inboundWebhook(signed.body, { headers: signed.headers }), instance, now);

      it('accepts a fresh call, with the timestamp in seconds or milliseconds', () => {
        const signed = fake.signedWebhook(stamped, WEBHOOK_SECRET, body, { timestamp: seconds - 200 });
        const expected = createHmac('sha512', WEBHOOK_SECRET).update(`${seconds - 200}.${signed.body}`).digest('base64');
        expect(signed.headers['acme-signature']).toBe(expected);
        expect(verify(signed)).not.toThrow();
        expect(verify(fake.signedWebhook(stamped, WEBHOOK_SECRET, body, { timestamp: now.getTime() + 1000 }))).not.toThrow();
      });
      it('rejects a correctly signed call outside the tolerance', () => {
        const signed = fake.signedWebhook(stamped, WEBHOOK_SECRET, body, { timestamp: seconds - 301 });
        expect(verify(signed)).toThrow(expect.objectContaining({ code: 'webhook_timestamp_stale', status: 401, message: 'the Acme-Timestamp header is 301 s away from now (at most 300 s allowed)' }));
      });
      it('rejects a missing timestamp, naming its header', () => {
        const { body: text, headers } = fake.signedWebhook(stamped, WEBHOOK_SECRET, body, { timestamp: seconds });
        const { ['acme-timestamp']: _dropped, ...withoutTimestamp } = headers;
        expect(verify({ body: text, headers: withoutTimestamp })).toThrow(expect.objectContaining({ code: 'webhook_signature_missing', message: 'the Acme-Timestamp header is missing' }));
      });
      it('rejects a timestamp changed after signing, and one that is not a Unix time', () => {
        const signed = fake.signedWebhook(stamped, WEBHOOK_SECRET, body, { timestamp: seconds - 900 });
        expect(verify({ ...signed, headers: { ...signed.headers, 'acme-timestamp': String(seconds) } })).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid' }));
        expect(verify({ ...signed, headers: { ...signed.headers, 'acme-timestamp': '2024-05-01T10:00:00Z' } })).toThrow(
          expect.objectContaining({ code: 'webhook_signature_invalid', message: 'the Acme-Timestamp header is not a Unix time' }),
        );
      });
    });
  });

  describe('combined with the built-in connectors', () => {
    it('serves a generic definition next to the built-ins', () => {
      const registry = new ConnectorRegistry({ modules: [...BUILT_IN_CONNECTORS, createGenericConnector(definition)] });
      expect(registry.get('acme').descriptor.displayName).toBe('Acme CRM');
      expect(registry.get('dropbox').descriptor.displayName).toBe('Dropbox');
    });

    it('cannot shadow a built-in key or alias', () => {
      const shadowing = [{ ...definition, elementKey: 'dropbox' }, { ...definition, aliases: ['dropbox'] }];
      for (const shadow of shadowing) {
        expect(() => new ConnectorRegistry({ modules: [...BUILT_IN_CONNECTORS, createGenericConnector(shadow)] })).toThrow('two connectors claim the key "dropbox"');
      }
    });

    it('validates a definition built in code too', () => {
      expect(() => createGenericConnector({ ...definition, hubKey: 'Customer Relations' })).toThrow(/hubKey must be a lower-case hub name/);
    });
  });
});
