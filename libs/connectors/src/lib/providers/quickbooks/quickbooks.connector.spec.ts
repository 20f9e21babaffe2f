import {
  FakeQuickBooks,
  FakeQuickBooksChange,
  arbitraryMutation,
  arbitraryRawBody,
  expectNormalizedValid,
  expectSchemaValid,
  inboundWebhook,
  onlyConnectorErrors,
  present,
  signedWebhook,
} from '@connector-events/testing';
import fc from 'fast-check';
import { createHmac } from 'node:crypto';
import { ConnectorAdapter } from '../../core/connector-adapter';
import { ConnectorError } from '../../core/connector-error';
import { ConnectorInstance } from '../../core/connector-instance';
import { RefreshingSession } from '../../core/refreshing-session';
import { ProviderHttpClient } from '../../http/provider-http-client';
import { ConnectorRegistry } from '../../registry/connector-registry';
import { encodeInstanceSegment } from '../../webhooks/explicit-instance-ids';
import { QUICKBOOKS_CONNECTOR } from './quickbooks.connector';
import { QUICKBOOKS_VERIFIER_TOKEN_KEY } from './quickbooks-webhook';

const APP = { clientId: 'ABqbo-client-id', clientSecret: 'qbo-client-secret', redirectUri: 'https://app.example.com/oauth/quickbooks' };
const VERIFIER_TOKEN = 'f2b9c7a1-verifier-token-from-the-portal';

/** Intuit's documented legacy example (webhooks page). */
const LEGACY_EXAMPLE = JSON.stringify({
  eventNotifications: [
    {
      realmId: '1185883450',
      dataChangeEvent: {
        entities: [
          { name: 'Customer', id: '1', operation: 'Create', lastUpdated: '2015-10-05T14:42:19-0700' },
          { name: 'Vendor', id: '1', operation: 'Create', lastUpdated: '2015-10-05T14:42:19-0700' },
        ],
      },
    },
  ],
});

/** Intuit's CloudEvents example (blog, 2025-11-12). */
const CLOUD_EVENTS_EXAMPLE = JSON.stringify([
  {
    specversion: '1.0',
    id: '88cd52aa-33b6-4351-9aa4-47572edbd068',
    source: 'intuit.dsnBgbseACLLRZNxo2dfc4evmEJdxde58xeeYcZliOU=',
    type: 'qbo.account.created.v1',
    datacontenttype: 'application/json',
    time: '2025-09-10T21:31:25.179851517Z',
    intuitentityid: '1234',
    intuitaccountid: '310687',
    data: {},
  },
]);

/** Intuit's "data objects" examples: a customer merge and a sales receipt update without data. */
const CLOUD_EVENTS_MERGE_AND_UPDATE = JSON.stringify([
  {
    specversion: '1.0',
    id: '0b6c3c1e-8a51-4c1f-9f39-2f1c5a9e7d10-Customer-123',
    source: 'intuit.dsnBgbseACLLRZNxo2dfc4evmEJdxde58xeeYcZliOU=',
    type: 'qbo.customer.merged.v1',
    datacontenttype: 'application/json',
    time: '2025-12-04T15:25:05Z',
    intuitentityid: '123',
    intuitaccountid: '9341455130166501',
    data: { deletedid: '27' },
  },
  {
    specversion: '1.0',
    id: '5d1f0a7e-2b64-4f0e-8a8e-3c2d9b7f6e21-SalesReceipt-150',
    source: 'intuit.dsnBgbseACLLRZNxo2dfc4evmEJdxde58xeeYcZliOU=',
    type: 'qbo.salesreceipt.updated.v1',
    time: '2026-03-17T16:19:17Z',
    intuitentityid: '150',
    intuitaccountid: '9341455130166501',
  },
]);

function instanceFor(realmId: string | undefined, options: { id?: number; token?: string | null } = {}): ConnectorInstance {
  const configuration: Record<string, string> = { 'oauth.api.key': APP.clientId, 'oauth.api.secret': APP.clientSecret };
  if (options.token !== null) configuration[QUICKBOOKS_VERIFIER_TOKEN_KEY] = options.token ?? VERIFIER_TOKEN;
  return { id: options.id ?? 7, elementKey: 'quickbooks', configuration, providerData: realmId ? { realmId } : {} };
}

function signed(body: string, token = VERIFIER_TOKEN) {
  const call = signedWebhook(body, token);
  return inboundWebhook(call.body, { headers: call.headers });
}

describe('QuickBooks connector', () => {
  const fake = new FakeQuickBooks();
  let quickbooks: ConnectorAdapter;
  const webhook = () => present(quickbooks.webhook, 'the QuickBooks webhook handler');

  beforeAll(async () => {
    await fake.start();
    fake.registerApp(APP);
    quickbooks = new ConnectorRegistry({ modules: [QUICKBOOKS_CONNECTOR], providerBaseUrls: { quickbooks: fake.server.baseUrl } }).get('quickbooks');
  });
  afterAll(() => fake.close());

  /** A connected company with an instance whose session refreshes through the fake. */
  async function provision(id = 7): Promise<{ realmId: string; instance: ConnectorInstance; session: RefreshingSession }> {
    const { realmId, code } = fake.connectCompany(APP.clientId);
    const tokens = await quickbooks.oauth.exchangeCode({ code, ...APP, providerData: { realmId } });
    const instance = { ...instanceFor(realmId, { id }), providerData: tokens.providerData };
    const session = new RefreshingSession(quickbooks.oauth, { ...APP, providerData: tokens.providerData }, tokens);
    return { realmId, instance, session };
  }

  describe('OAuth', () => {
    it('exchanges the code with HTTP Basic client auth and keeps the realmId that came with it', async () => {
      const { realmId, session } = await provision();
      expect(session.current.providerData).toEqual({ realmId });
      expect(session.current.tokenType).toBe('bearer');
      expect(Date.parse(session.current.expiresAt ?? '')).toBeGreaterThan(Date.now() + 3_500_000);
      const call = present(fake.server.requestsTo('POST', '/oauth2/v1/tokens/bearer').at(-1), 'the token call');
      expect(call.headers['authorization']).toBe(`Basic ${Buffer.from(`${APP.clientId}:${APP.clientSecret}`).toString('base64')}`);
      expect(call.headers['accept']).toBe('application/json');
      expect(call.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(call.form).toEqual({ grant_type: 'authorization_code', code: expect.stringMatching(/^qbo\.code-/), redirect_uri: APP.redirectUri });
    });

    it('refreshes, keeping the rotated refresh token; the old one is then refused', async () => {
      const { session } = await provision();
      const before = session.current;
      await session.refreshedAccessToken();
      expect(session.current.accessToken).not.toBe(before.accessToken);
      expect(session.current.refreshToken).not.toBe(before.refreshToken);
      expect(session.current.providerData).toEqual(before.providerData);
      const call = present(fake.server.requestsTo('POST', '/oauth2/v1/tokens/bearer').at(-1), 'the refresh call');
      expect(call.form).toEqual({ grant_type: 'refresh_token', refresh_token: before.refreshToken });
      const stale = await quickbooks.oauth.refresh({ ...APP, refreshToken: present(before.refreshToken), providerData: {} }).catch((e: unknown) => e);
      expect(stale).toMatchObject({ code: 'oauth_refresh_rejected', message: expect.stringContaining('invalid_grant') });
    });

    it('turns a reused code into oauth_code_rejected 400 with Intuit\'s reason', async () => {
      const { realmId, code } = fake.connectCompany(APP.clientId);
      const exchange = () => quickbooks.oauth.exchangeCode({ code, ...APP, providerData: { realmId } });
      await exchange();
      const error = await exchange().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ code: 'oauth_code_rejected', status: 400 });
      expect((error as Error).message).toBe('QuickBooks refused the authorization code: invalid_grant');
    });

    it('reports a wrong client secret as a refused code (Intuit answers 401 invalid_client)', async () => {
      const { realmId, code } = fake.connectCompany(APP.clientId);
      const error = await quickbooks.oauth.exchangeCode({ code, ...APP, clientSecret: 'wrong', providerData: { realmId } }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'oauth_code_rejected', status: 400, message: expect.stringContaining('invalid_client') });
    });

    it.each([
      [{}, /providerData\.realmId is missing/],
      [{ realmId: '' }, /providerData\.realmId is missing/],
      [{ realmId: 'company-1' }, /providerData\.realmId must be a QuickBooks company id/],
      [{ realmId: '123 456' }, /providerData\.realmId must be a QuickBooks company id/],
    ])('refuses providerData %j before spending the code', async (providerData, message) => {
      const { code } = fake.connectCompany(APP.clientId);
      const calls = fake.server.requestsTo('POST', '/oauth2/v1/tokens/bearer').length;
      const error = await quickbooks.oauth.exchangeCode({ code, ...APP, providerData }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'configuration_invalid', status: 400, message: expect.stringMatching(message) });
      expect(fake.server.requestsTo('POST', '/oauth2/v1/tokens/bearer')).toHaveLength(calls);
    });

    it('the fake, like Intuit, refuses client credentials in the body', async () => {
      const { code } = fake.connectCompany(APP.clientId);
      const answer = await new ProviderHttpClient().send('test', {
        method: 'POST',
        url: `${fake.server.baseUrl}/oauth2/v1/tokens/bearer`,
        form: { grant_type: 'authorization_code', code, redirect_uri: APP.redirectUri, client_id: APP.clientId, client_secret: APP.clientSecret },
      });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toEqual({ error: 'invalid_client' });
    });
  });

  describe('webhook', () => {
    it('has no handshake and acknowledges with an empty 200', () => {
      expect(webhook().handshake(inboundWebhook('', { method: 'GET', query: { challenge: 'x' } }))).toBeUndefined();
      expect(webhook().handshake(signed(LEGACY_EXAMPLE))).toBeUndefined();
      expect(webhook().acceptedReply).toEqual({ status: 200, headers: {}, body: '' });
    });

    it('keeps the verifier token, not the OAuth secret, as the webhook secret', () => {
      expect(QUICKBOOKS_VERIFIER_TOKEN_KEY).toBe('webhook.verifier.token');
      expect(webhook().secretConfigurationKeys).toEqual(['webhook.verifier.token']);
    });

    it("checks Intuit's sample signature (SampleApp-Webhooks-Java SecurityServiceTest)", () => {
      const instance = instanceFor('1', { token: '12345' });
      const verify = (signature: string) => () =>
        webhook().verify(inboundWebhook('abcd', { headers: { 'intuit-signature': signature } }), instance, new Date());
      expect(verify('gfTuE5fLxnstOq8ln4LNWZfn24cg8FVB6PBv455lfzg=')).not.toThrow();
      expect(verify('12345')).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid' }));
    });

    it('routes, verifies and normalizes the documented legacy example', async () => {
      const request = signed(LEGACY_EXAMPLE);
      expect(webhook().route(request)).toEqual({ instanceIds: [], providerKeys: ['realm:1185883450'] });
      const instance = instanceFor('1185883450');
      expect(webhook().instanceKeys(instance)).toEqual(['realm:1185883450']);
      webhook().verify(request, instance, new Date());
      const result = await normalize(instance, LEGACY_EXAMPLE);
      expect(result.raw).toEqual(JSON.parse(LEGACY_EXAMPLE));
      expect(result.events).toEqual([
        { objectType: 'customers', objectId: '1', eventType: 'CREATED', elementKey: 'quickbooks', hubKey: 'finance', date: '2015-10-05T21:42:19.000Z' },
        { objectType: 'vendors', objectId: '1', eventType: 'CREATED', elementKey: 'quickbooks', hubKey: 'finance', date: '2015-10-05T21:42:19.000Z' },
      ]);
      expectSchemaValid(result.events);
    });

    it('routes and normalizes the documented CloudEvents example, keeping the array under payload', async () => {
      const request = signed(CLOUD_EVENTS_EXAMPLE);
      expect(webhook().route(request)).toEqual({ instanceIds: [], providerKeys: ['realm:310687'] });
      webhook().verify(request, instanceFor('310687'), new Date());
      const result = await normalize(instanceFor('310687'), CLOUD_EVENTS_EXAMPLE);
      expect(result.raw).toEqual({ payload: JSON.parse(CLOUD_EVENTS_EXAMPLE) });
      expect(result.events).toEqual([
        expect.objectContaining({ objectType: 'accounts', objectId: '1234', eventType: 'CREATED', date: '2025-09-10T21:31:25.179Z' }),
      ]);
    });

    it('turns a CloudEvents merge into an update of the survivor and a deletion of data.deletedid', async () => {
      const result = await normalize(instanceFor('9341455130166501'), CLOUD_EVENTS_MERGE_AND_UPDATE);
      expect(result.events).toEqual([
        expect.objectContaining({ objectType: 'customers', objectId: '123', eventType: 'UPDATED', date: '2025-12-04T15:25:05.000Z' }),
        expect.objectContaining({ objectType: 'customers', objectId: '27', eventType: 'DELETED', date: '2025-12-04T15:25:05.000Z' }),
        expect.objectContaining({ objectType: 'salesreceipts', objectId: '150', eventType: 'UPDATED', date: '2026-03-17T16:19:17.000Z' }),
      ]);
    });

    it.each([
      ['Create', 'created', 'CREATED'],
      ['Update', 'updated', 'UPDATED'],
      ['Delete', 'deleted', 'DELETED'],
      ['Merge', 'merged', 'UPDATED'],
      ['Void', 'voided', 'UPDATED'],
      ['Emailed', 'emailed', 'UPDATED'],
      ['Archive', 'archived', 'UNKNOWN'],
    ])('maps %s / qbo.invoice.%s.v1 to %s', async (operation, verb, eventType) => {
      const legacy = { eventNotifications: [{ realmId: '42', dataChangeEvent: { entities: [{ name: 'Invoice', id: '9', operation, lastUpdated: '2026-01-02T03:04:05.000Z' }] } }] };
      const cloud = [{ specversion: '1.0', id: 'e-1', source: 'intuit.x', type: `qbo.invoice.${verb}.v1`, time: '2026-01-02T03:04:05Z', intuitentityid: '9', intuitaccountid: '42' }];
      for (const body of [legacy, cloud]) {
        const result = await normalize(instanceFor('42'), JSON.stringify(body));
        expect(result.events).toEqual([expect.objectContaining({ objectType: 'invoices', objectId: '9', eventType, date: '2026-01-02T03:04:05.000Z' })]);
      }
    });

    it('falls back to the receipt time for an unreadable date, and skips entities without a name or id', async () => {
      const receivedAt = new Date('2026-04-01T10:00:00Z');
      const body = {
        eventNotifications: [
          {
            realmId: '42',
            dataChangeEvent: {
              entities: [
                { name: 'Customer', id: '1', operation: 'Update', lastUpdated: 'yesterday' },
                { name: 'Sales Receipt', id: '2', operation: 'Update' },
                { name: 'Customer', id: '', operation: 'Update' },
                { name: 'Customer', operation: 'Update' },
                'not an entity',
              ],
            },
          },
        ],
      };
      const result = await normalize(instanceFor('42'), JSON.stringify(body), receivedAt);
      expect(result.events).toEqual([expect.objectContaining({ objectType: 'customers', objectId: '1', date: receivedAt.toISOString() })]);
    });

    it('normalizes what the fake company did, in both formats, with the same events', async () => {
      const { realmId, instance } = await provision();
      const customer = fake.createEntity(realmId, 'Customer', { DisplayName: 'Amy\'s Bird Sanctuary' });
      const invoice = fake.createEntity(realmId, 'Invoice', { TotalAmt: 100 });
      fake.updateEntity(realmId, 'Invoice', String(invoice['Id']), { TotalAmt: 0 }, 'Void');
      const duplicate = fake.createEntity(realmId, 'Customer', { DisplayName: 'Amy B. Sanctuary' });
      fake.mergeEntities(realmId, 'Customer', String(customer['Id']), String(duplicate['Id']));
      const term = fake.createEntity(realmId, 'Term');
      fake.deleteEntity(realmId, 'Term', String(term['Id']));
      const changes = fake.takeChanges();
      const at = (change: FakeQuickBooksChange, precision: 'seconds' | 'ms') =>
        new Date(precision === 'seconds' ? Math.floor(change.at.getTime() / 1000) * 1000 : change.at.getTime()).toISOString();
      const expected = (precision: 'seconds' | 'ms') => [
        { objectType: 'customers', objectId: customer['Id'], eventType: 'CREATED', date: at(changes[0] as FakeQuickBooksChange, precision) },
        { objectType: 'invoices', objectId: invoice['Id'], eventType: 'CREATED', date: at(changes[1] as FakeQuickBooksChange, precision) },
        { objectType: 'invoices', objectId: invoice['Id'], eventType: 'UPDATED', date: at(changes[2] as FakeQuickBooksChange, precision) },
        { objectType: 'customers', objectId: duplicate['Id'], eventType: 'CREATED', date: at(changes[3] as FakeQuickBooksChange, precision) },
        { objectType: 'customers', objectId: customer['Id'], eventType: 'UPDATED', date: at(changes[4] as FakeQuickBooksChange, precision) },
        ...(precision === 'ms'
          ? [{ objectType: 'customers', objectId: duplicate['Id'], eventType: 'DELETED', date: at(changes[4] as FakeQuickBooksChange, precision) }]
          : []),
        { objectType: 'terms', objectId: term['Id'], eventType: 'CREATED', date: at(changes[5] as FakeQuickBooksChange, precision) },
        { objectType: 'terms', objectId: term['Id'], eventType: 'DELETED', date: at(changes[6] as FakeQuickBooksChange, precision) },
      ];

      for (const [call, precision] of [
        [fake.legacyWebhook(VERIFIER_TOKEN, changes), 'seconds'],
        [fake.cloudEventsWebhook(VERIFIER_TOKEN, changes), 'ms'],
      ] as const) {
        const request = inboundWebhook(call.body, { headers: call.headers });
        expect(webhook().route(request).providerKeys).toEqual([`realm:${realmId}`]);
        webhook().verify(request, instance, new Date());
        const result = await normalize(instance, call.body);
        expect(result.events).toEqual(expected(precision).map((event) => expect.objectContaining(event)));
        expectSchemaValid(result.events);
      }
    });

    it('routes a multi-company delivery to each company and gives each instance only its own changes', async () => {
      const a = await provision(11);
      const b = await provision(12);
      fake.createEntity(a.realmId, 'Customer');
      fake.createEntity(b.realmId, 'Vendor');
      fake.createEntity(a.realmId, 'Invoice');
      const changes = fake.takeChanges();
      for (const call of [fake.legacyWebhook(VERIFIER_TOKEN, changes), fake.cloudEventsWebhook(VERIFIER_TOKEN, changes)]) {
        const request = inboundWebhook(call.body, { headers: call.headers });
        expect(webhook().route(request).providerKeys).toEqual([`realm:${a.realmId}`, `realm:${b.realmId}`]);
        const forA = await normalize(a.instance, call.body);
        const forB = await normalize(b.instance, call.body);
        expect(forA.events.map((e) => e.objectType)).toEqual(['customers', 'invoices']);
        expect(forB.events.map((e) => e.objectType)).toEqual(['vendors']);
        // Each instance's notification still carries the whole delivery.
        expect(forA.raw).toEqual(forB.raw);
      }
    });

    it('gives an explicitly addressed instance without a realm every change, and routes by the path', async () => {
      const call = fake.legacyWebhook(VERIFIER_TOKEN, [
        { realmId: '1', name: 'Customer', id: '5', operation: 'Update', at: new Date() },
        { realmId: '2', name: 'Customer', id: '6', operation: 'Update', at: new Date() },
      ]);
      const request = inboundWebhook(call.body, { headers: { ...call.headers, 'element-instances': '31' }, instanceSegment: encodeInstanceSegment(30) });
      expect(webhook().route(request)).toEqual({ instanceIds: [30, 31], providerKeys: ['realm:1', 'realm:2'] });
      const result = await normalize(instanceFor(undefined), call.body);
      expect(result.events.map((e) => e.objectId)).toEqual(['5', '6']);
      expect(webhook().instanceKeys(instanceFor(undefined))).toEqual([]);
    });

    describe('delivery ids', () => {
      const id = (body: unknown) => webhook().deliveryId?.(inboundWebhook(JSON.stringify(body)));
      const events = JSON.parse(CLOUD_EVENTS_MERGE_AND_UPDATE) as Record<string, unknown>[];
      const legacy = JSON.parse(LEGACY_EXAMPLE) as { eventNotifications: { dataChangeEvent: { entities: unknown[] } }[] };

      it('name a CloudEvents delivery by its event ids, whatever their order', () => {
        expect(id(events)).toMatch(/^cloudevents:[0-9a-f]{64}$/);
        expect(id([...events].reverse())).toBe(id(events));
        expect(id([events[0]])).not.toBe(id(events));
        expect(id([{ ...events[0], id: 'another' }, events[1]])).not.toBe(id(events));
      });

      it('name a legacy delivery by its realm/entity/id/operation/lastUpdated tuples', () => {
        expect(id(legacy)).toMatch(/^legacy:[0-9a-f]{64}$/);
        const later = structuredClone(legacy);
        (later.eventNotifications[0]?.dataChangeEvent.entities[0] as Record<string, string>)['lastUpdated'] = '2015-10-05T14:42:20-0700';
        expect(id(later)).not.toBe(id(legacy));
        expect(id(JSON.parse(LEGACY_EXAMPLE))).toBe(id(legacy));
      });

      it('are absent when the body gives nothing to go on', () => {
        expect(id([{ ...events[0], id: undefined }])).toBeUndefined();
        expect(id([])).toBeUndefined();
        expect(id({ eventNotifications: [] })).toBeUndefined();
        expect(webhook().deliveryId?.(inboundWebhook('not json'))).toBeUndefined();
      });
    });

    describe('rejects', () => {
      const instance = instanceFor('1185883450');
      const verify = (request: ReturnType<typeof inboundWebhook>, on = instance) => () => webhook().verify(request, on, new Date());

      it('a tampered body', () => {
        const call = signedWebhook(LEGACY_EXAMPLE, VERIFIER_TOKEN);
        const tampered = inboundWebhook(call.body.replace('"Create"', '"Delete"'), { headers: call.headers });
        expect(verify(tampered)).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid', status: 401 }));
      });

      it('a body signed with the OAuth client secret instead of the verifier token', () => {
        expect(verify(signed(LEGACY_EXAMPLE, APP.clientSecret))).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid' }));
      });

      it('a hex signature (Intuit sends base64)', () => {
        const hex = Buffer.from(present(signedWebhook(LEGACY_EXAMPLE, VERIFIER_TOKEN).headers['intuit-signature']), 'base64').toString('hex');
        expect(verify(inboundWebhook(LEGACY_EXAMPLE, { headers: { 'intuit-signature': hex } }))).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid' }));
      });

      it('a missing or empty signature', () => {
        expect(verify(inboundWebhook(LEGACY_EXAMPLE))).toThrow(expect.objectContaining({ code: 'webhook_signature_missing', message: 'the intuit-signature header is missing' }));
        expect(verify(inboundWebhook(LEGACY_EXAMPLE, { headers: { 'intuit-signature': '' } }))).toThrow(expect.objectContaining({ code: 'webhook_signature_missing' }));
      });

      it('any call for an instance that has no verifier token, saying so', () => {
        expect(verify(signed(LEGACY_EXAMPLE), instanceFor('1185883450', { token: null }))).toThrow(
          expect.objectContaining({ code: 'webhook_signature_invalid', status: 401, message: expect.stringMatching(/instance 7 has no QuickBooks webhook verifier token \(webhook\.verifier\.token\)/) }),
        );
      });

      it('a body in neither format, naming eventNotifications', () => {
        for (const body of ['{"delta":{"users":[1]}}', '{"eventNotifications":{}}', '"text"', '42']) {
          expect(() => webhook().route(signed(body))).toThrow(expect.objectContaining({ code: 'webhook_payload_invalid', message: expect.stringContaining('eventNotifications') }));
        }
        expect(() => webhook().route(signed(''))).toThrow(expect.objectContaining({ code: 'webhook_payload_invalid' }));
      });

      it('a delivery with more than 10,000 changes', () => {
        const entities = Array.from({ length: 10_001 }, (_, i) => ({ name: 'Customer', id: String(i), operation: 'Update' }));
        const legacy = JSON.stringify({ eventNotifications: [{ realmId: '1', dataChangeEvent: { entities } }] });
        const cloud = JSON.stringify(Array.from({ length: 10_001 }, () => ({})));
        for (const body of [legacy, cloud]) {
          expect(() => webhook().route(signed(body))).toThrow(expect.objectContaining({ code: 'webhook_payload_invalid', message: expect.stringContaining('more than 10000') }));
        }
      });

      it('realm ids that are not digit strings, which are not routed', () => {
        const body = JSON.stringify({ eventNotifications: [{ realmId: 1185883450, dataChangeEvent: { entities: [] } }, { realmId: 'realm:1', dataChangeEvent: { entities: [] } }] });
        expect(webhook().route(signed(body)).providerKeys).toEqual([]);
      });
    });
  });

  describe('properties', () => {
    const instance = instanceFor('310687');
    const legacyTemplate = JSON.parse(LEGACY_EXAMPLE) as unknown;
    const cloudTemplate = [
      {
        ...(JSON.parse(CLOUD_EVENTS_MERGE_AND_UPDATE) as Record<string, unknown>[])[0],
        type: fc.constantFrom('qbo.customer.merged.v1', 'qbo.invoice.deleted.v1', 'qbo.Item.created.v2', 'qbo..created.v1', 'payroll.employee'),
        intuitaccountid: fc.constantFrom('310687', '310688', 310687),
        time: fc.constantFrom('2025-12-04T15:25:05Z', '2015-10-05T14:42:19-0700', 'soon', '99999-01-01T00:00:00Z'),
        data: { deletedid: fc.constantFrom('27', '', 27) },
      },
    ];

    it('route, verify and deliveryId throw only ConnectorErrors, whatever the body', async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryRawBody(), fc.option(fc.string()), async (body, signature) => {
          const request = inboundWebhook(body, { headers: signature === null ? {} : { 'intuit-signature': signature } });
          await onlyConnectorErrors(() => webhook().route(request));
          await onlyConnectorErrors(() => webhook().verify(request, instance, new Date()));
          expect(() => webhook().deliveryId?.(request)).not.toThrow();
        }),
      );
    });

    it('a body signed as Intuit signs verifies, and any changed byte does not', () => {
      fc.assert(
        fc.property(arbitraryRawBody(), fc.nat(), fc.integer({ min: 1, max: 255 }), (body, at, flip) => {
          const signature = createHmac('sha256', VERIFIER_TOKEN).update(body).digest('base64');
          const request = (bytes: Buffer) => inboundWebhook(bytes, { headers: { 'intuit-signature': signature } });
          expect(() => webhook().verify(request(body), instance, new Date())).not.toThrow();
          if (body.length === 0) return;
          const changed = Buffer.from(body);
          const index = at % changed.length;
          changed[index] = (changed[index] ?? 0) ^ flip;
          expect(() => webhook().verify(request(changed), instance, new Date())).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid' }));
        }),
      );
    });

    it('normalize turns mutated documented bodies of both formats into schema-valid event objects or a ConnectorError', async () => {
      await fc.assert(
        fc.asyncProperty(fc.oneof(arbitraryMutation(legacyTemplate), arbitraryMutation(cloudTemplate)), async (body) => {
          const request = inboundWebhook(JSON.stringify(body) ?? 'null');
          await onlyConnectorErrors(() => webhook().route(request));
          expect(() => webhook().deliveryId?.(request)).not.toThrow();
          const result = await onlyConnectorErrors(() =>
            webhook().normalize({ instance, body, headers: {}, receivedAt: new Date(), state: {} }, { session: noSession }),
          );
          expectNormalizedValid(result);
          for (const event of result?.events ?? []) expect(event.objectType).toMatch(/^[a-z][a-z0-9]*$/);
        }),
        { numRuns: 300 },
      );
    });
  });

  async function normalize(instance: ConnectorInstance, body: string, receivedAt = new Date()) {
    return webhook().normalize({ instance, body: JSON.parse(body) as unknown, headers: {}, receivedAt, state: {} }, { session: noSession });
  }
});

/** QuickBooks normalizes from the body alone; a session that is used is a bug. */
const noSession = {
  accessToken: () => Promise.reject(new Error('QuickBooks normalize must not call the API')),
  refreshedAccessToken: () => Promise.reject(new Error('QuickBooks normalize must not call the API')),
};
