import {
  FakeHttpServer,
  FakeSalesforce,
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
import { ConnectorRegistry } from '../../registry/connector-registry';
import { SALESFORCE_WEBHOOK_SECRET_CONFIGURATION_KEY, SALESFORCE_WEBHOOK_SECRET_HEADER } from './salesforce-webhook';
import { SFDC_CONNECTOR } from './sfdc.connector';

const APP = { clientId: '3MVG9sfdc.consumer.key', clientSecret: 'sfdc-consumer-secret', redirectUri: 'https://app.example.com/oauth/sfdc' };
const SECRET = 'apex-shared-secret-5f1c';

/** The Open Connectors Apex trigger's body, with records as `JSON.serialize(Trigger.new)` writes them. */
const DOCUMENTED_BODY = {
  objects: [
    {
      attributes: { type: 'Account', url: '/services/data/v62.0/sobjects/Account/001D000000IRFmaIAH' },
      Id: '001D000000IRFmaIAH',
      Name: 'Test 1',
      CreatedDate: '2024-01-01T00:00:00.000+0000',
      LastModifiedDate: '2024-01-02T03:04:05.000+0000',
      SystemModstamp: '2024-01-02T03:04:06.000+0000',
    },
  ],
  action: 'update',
};

describe('Salesforce connector', () => {
  const fake = new FakeSalesforce();
  let sfdc: ConnectorAdapter;

  beforeAll(async () => {
    await fake.start();
    fake.registerApp(APP);
    sfdc = new ConnectorRegistry({ modules: [SFDC_CONNECTOR], providerBaseUrls: { sfdc: fake.server.baseUrl } }).get('sfdc');
  });
  afterAll(() => fake.close());

  const webhook = () => present(sfdc.webhook);

  /** A linked org with an instance whose session refreshes through the fake. */
  async function provision(id = 7): Promise<{ organizationId: string; userId: string; instance: ConnectorInstance; session: RefreshingSession }> {
    const { organizationId, userId, code } = fake.linkOrg(APP.clientId);
    const tokens = await sfdc.oauth.exchangeCode({ code, ...APP, providerData: {} });
    const instance: ConnectorInstance = {
      id,
      elementKey: 'sfdc',
      configuration: { 'oauth.api.key': APP.clientId, 'oauth.api.secret': APP.clientSecret, [SALESFORCE_WEBHOOK_SECRET_CONFIGURATION_KEY]: SECRET },
      providerData: tokens.providerData,
    };
    const session = new RefreshingSession(sfdc.oauth, { clientId: APP.clientId, clientSecret: APP.clientSecret, providerData: tokens.providerData }, tokens);
    return { organizationId, userId, instance, session };
  }

  describe('OAuth', () => {
    it('exchanges a code and learns the instance URL, org and user from the identity URL', async () => {
      const { organizationId, userId, instance, session } = await provision();
      expect(instance.providerData).toEqual({ instance_url: fake.server.baseUrl, organization_id: organizationId, user_id: userId });
      expect(session.current).toMatchObject({ tokenType: 'Bearer', scope: 'refresh_token api' });
      expect(session.current.refreshToken).toEqual(expect.any(String));
      // Salesforce says nothing of expiry: the token lives until the API refuses it.
      expect(session.current.expiresAt).toBeUndefined();
      const call = fake.server.requestsTo('POST', '/services/oauth2/token').at(-1);
      expect(call?.form).toMatchObject({ grant_type: 'authorization_code', redirect_uri: APP.redirectUri, client_id: APP.clientId, client_secret: APP.clientSecret });
      expect(call?.headers['authorization']).toBeUndefined();
    });

    it('refreshes, keeping the refresh token Salesforce does not return', async () => {
      const { session, instance } = await provision();
      const before = session.current;
      await session.refreshedAccessToken();
      expect(session.current.accessToken).not.toBe(before.accessToken);
      expect(session.current.refreshToken).toBe(before.refreshToken);
      expect(session.current.providerData).toEqual(instance.providerData);
      expect(fake.server.requestsTo('POST', '/services/oauth2/token').at(-1)?.form).toMatchObject({ grant_type: 'refresh_token', refresh_token: before.refreshToken });
    });

    it('turns a refused or reused code into a clear 400 with Salesforce\'s reason', async () => {
      const { code } = fake.linkOrg(APP.clientId);
      const exchange = () => sfdc.oauth.exchangeCode({ code, ...APP, providerData: {} });
      await exchange();
      const error = await exchange().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ code: 'oauth_code_rejected', status: 400 });
      expect((error as Error).message).toBe('Salesforce refused the authorization code: authentication failure');
    });

    it('reports a wrong client secret and a revoked refresh token in Salesforce\'s words', async () => {
      const { code } = fake.linkOrg(APP.clientId);
      const wrongSecret = await sfdc.oauth.exchangeCode({ code, ...APP, clientSecret: 'nope', providerData: {} }).catch((e: unknown) => e);
      expect(wrongSecret).toMatchObject({ code: 'oauth_code_rejected', message: expect.stringContaining('invalid client credentials') });
      const { session } = await provision();
      fake.oauth.revokeRefreshTokens();
      const refused = await session.refreshedAccessToken().catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'oauth_refresh_rejected', message: expect.stringContaining('expired access/refresh token') });
    });

    it('logs in at the configured sandbox server and remembers it for refreshes', async () => {
      const { code } = fake.linkOrg(APP.clientId);
      const tokens = await sfdc.oauth.exchangeCode({ code, ...APP, providerData: { 'sfdc.login.url': 'https://test.salesforce.com' } });
      expect(tokens.providerData['login_url']).toBe('https://test.salesforce.com');
      const refused = await sfdc.oauth
        .exchangeCode({ code: 'any', ...APP, providerData: { 'sfdc.login.url': 'https://login.evil.example.com' } })
        .catch((e: unknown) => e);
      expect(refused).toMatchObject({ code: 'configuration_invalid', message: expect.stringContaining('sfdc.login.url') });
    });

    it('refuses a token response whose signature does not cover its identity URL', async () => {
      const forger = new FakeHttpServer('forged Salesforce');
      await forger.start();
      try {
        forger.route('POST', '/services/oauth2/token', () => ({
          status: 200,
          json: {
            access_token: '00D!forged',
            refresh_token: 'rt',
            signature: 'bm90IGEgc2lnbmF0dXJl',
            scope: 'api',
            instance_url: forger.baseUrl,
            id: `${forger.baseUrl}/id/00Dx0000000BV7zEAG/005x00000012Q9PAAQ`,
            token_type: 'Bearer',
            issued_at: '1714557600000',
          },
        }));
        const forged = new ConnectorRegistry({ modules: [SFDC_CONNECTOR], providerBaseUrls: { sfdc: forger.baseUrl } }).get('sfdc');
        const error = await forged.oauth.exchangeCode({ code: 'c', ...APP, providerData: {} }).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: 'provider_response_invalid', message: expect.stringContaining('signature') });
      } finally {
        await forger.close();
      }
    });
  });

  describe('webhook', () => {
    it('has no handshake, answers 200 with an empty body, and keeps the shared secret encrypted', () => {
      expect(webhook().handshake(inboundWebhook('', { method: 'GET', query: { challenge: 'x' } }))).toBeUndefined();
      expect(webhook().handshake(inboundWebhook(JSON.stringify(DOCUMENTED_BODY)))).toBeUndefined();
      expect(webhook().acceptedReply).toEqual({ status: 200, headers: {}, body: '' });
      expect(webhook().secretConfigurationKeys).toEqual(['event.webhook.secret']);
      expect(SALESFORCE_WEBHOOK_SECRET_HEADER).toBe('Element-Webhook-Secret');
    });

    it('normalizes the documented trigger body', async () => {
      const receivedAt = new Date('2024-06-01T00:00:00Z');
      const instance = { id: 1, elementKey: 'sfdc', configuration: {}, providerData: {} };
      const result = await webhook().normalize({ instance, body: DOCUMENTED_BODY, headers: {}, receivedAt, state: {} }, { session: noSession });
      expect(result.raw).toBe(DOCUMENTED_BODY);
      expect(result.events).toEqual([
        {
          objectType: 'Account',
          objectId: '001D000000IRFmaIAH',
          eventType: 'UPDATED',
          elementKey: 'sfdc',
          hubKey: 'crm',
          date: '2024-01-02T03:04:05.000Z',
          name: 'Test 1',
        },
      ]);
      expectSchemaValid(result.events);
    });

    it('accepts a trigger call with the shared secret, routes it and normalizes the records', async () => {
      const { organizationId, instance } = await provision(7);
      const account = fake.createRecord(organizationId, 'Account', { Name: 'Acme' });
      const theCase = fake.createRecord(organizationId, 'Case', { Subject: 'Printer on fire' });
      const call = fake.webhook({ instanceIds: [7, 8], secret: SECRET, action: 'insert', records: [account, theCase], organizationId });
      const request = inboundWebhook(call.body, { headers: call.headers });

      expect(webhook().route(request)).toEqual({ instanceIds: [7, 8], providerKeys: [`org:${organizationId}`] });
      expect(webhook().instanceKeys(instance)).toEqual([`org:${organizationId}`]);
      webhook().verify(request, instance, new Date());
      const receivedAt = new Date();
      const result = await webhook().normalize({ instance, body: JSON.parse(call.body), headers: call.headers, receivedAt, state: {} }, { session: noSession });

      expect(result.raw).toEqual(JSON.parse(call.body));
      expect(result.events).toEqual([
        expect.objectContaining({ objectType: 'Account', objectId: account['Id'], eventType: 'CREATED', name: 'Acme', date: isoOf(account['LastModifiedDate']) }),
        expect.objectContaining({ objectType: 'Case', objectId: theCase['Id'], eventType: 'CREATED', name: 'Printer on fire' }),
      ]);
      expectSchemaValid(result.events);
    });

    it('routes by Element-Instances alone when the body names no org, and matches 15-character org ids', () => {
      const call = fake.webhook({ instanceIds: [12], secret: SECRET, action: 'update', records: DOCUMENTED_BODY.objects });
      expect(webhook().route(inboundWebhook(call.body, { headers: call.headers }))).toEqual({ instanceIds: [12], providerKeys: [] });
      const short = fake.webhook({ instanceIds: [], secret: SECRET, action: 'update', records: [], organizationId: '00Dx0000000BV7z' });
      expect(webhook().route(inboundWebhook(short.body, { headers: short.headers })).providerKeys).toEqual(['org:00Dx0000000BV7zEAG']);
    });

    it('maps each action to its event type, and dates a deletion when it is received', async () => {
      const instance = { id: 1, elementKey: 'sfdc', configuration: {}, providerData: {} };
      const receivedAt = new Date('2024-06-01T00:00:00Z');
      const typeOf = async (action: unknown) => {
        const result = await webhook().normalize({ instance, body: { ...DOCUMENTED_BODY, action }, headers: {}, receivedAt, state: {} }, { session: noSession });
        return result.events.map((event) => [event.eventType, event.date]);
      };
      expect(await typeOf('insert')).toEqual([['CREATED', '2024-01-02T03:04:05.000Z']]);
      expect(await typeOf('create')).toEqual([['CREATED', '2024-01-02T03:04:05.000Z']]);
      expect(await typeOf('update')).toEqual([['UPDATED', '2024-01-02T03:04:05.000Z']]);
      expect(await typeOf('AFTER_UPDATE')).toEqual([['UPDATED', '2024-01-02T03:04:05.000Z']]);
      expect(await typeOf('delete')).toEqual([['DELETED', receivedAt.toISOString()]]);
      expect(await typeOf('undelete')).toEqual([['CREATED', '2024-01-02T03:04:05.000Z']]);
      expect(await typeOf('merge')).toEqual([['UNKNOWN', '2024-01-02T03:04:05.000Z']]);
      expect(await typeOf('constructor')).toEqual([['UNKNOWN', '2024-01-02T03:04:05.000Z']]);
      expect(await typeOf(undefined)).toEqual([['UNKNOWN', '2024-01-02T03:04:05.000Z']]);
    });

    it('takes the type from attributes, else the body, else "unknown"; the date from SystemModstamp when LastModifiedDate is absent; and skips records without an Id', async () => {
      const instance = { id: 1, elementKey: 'sfdc', configuration: {}, providerData: {} };
      const receivedAt = new Date('2024-06-01T00:00:00Z');
      const body = {
        objectType: 'Lead',
        action: 'update',
        objects: [
          { Id: '00Q000000000001AAA', SystemModstamp: '2024-02-03T04:05:06.000+0000' },
          { attributes: { type: 'Contact' }, Id: '003000000000001AAA', Name: 'Ada Lovelace' },
          { Name: 'no id' },
          'not a record',
        ],
      };
      const result = await webhook().normalize({ instance, body, headers: {}, receivedAt, state: {} }, { session: noSession });
      expect(result.events.map((e) => [e.objectType, e.objectId, e.date, e.name])).toEqual([
        ['Lead', '00Q000000000001AAA', '2024-02-03T04:05:06.000Z', undefined],
        ['Contact', '003000000000001AAA', receivedAt.toISOString(), 'Ada Lovelace'],
      ]);
      const untyped = await webhook().normalize({ instance, body: { objects: [{ Id: 'x1' }] }, headers: {}, receivedAt, state: {} }, { session: noSession });
      expect(untyped.events[0]).toMatchObject({ objectType: 'unknown', eventType: 'UNKNOWN' });
    });

    describe('rejects', () => {
      const instance: ConnectorInstance = {
        id: 1,
        elementKey: 'sfdc',
        configuration: { [SALESFORCE_WEBHOOK_SECRET_CONFIGURATION_KEY]: SECRET },
        providerData: { organization_id: '00Dx0000000BV7zEAG' },
      };
      const signed = (organizationId?: string) => fake.webhook({ instanceIds: [1], secret: SECRET, action: 'update', records: DOCUMENTED_BODY.objects, organizationId });
      const verify = (body: string, headers: Record<string, string>, target = instance) => () => webhook().verify(inboundWebhook(body, { headers }), target, new Date());

      it('a secret that is not the instance\'s', () => {
        const { body, headers } = fake.webhook({ instanceIds: [1], secret: 'not-the-secret', action: 'update', records: [] });
        expect(verify(body, headers)).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid', status: 401, message: expect.stringContaining('Element-Webhook-Secret') }));
        expect(verify(body, { ...headers, 'element-webhook-secret': `${SECRET}x` })).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid' }));
      });
      it('a missing or empty secret header', () => {
        const { body, headers } = signed();
        const { ['element-webhook-secret']: _removed, ...withoutSecret } = headers;
        expect(verify(body, withoutSecret)).toThrow(expect.objectContaining({ code: 'webhook_signature_missing', message: 'the Element-Webhook-Secret header is missing' }));
        expect(verify(body, { ...headers, 'element-webhook-secret': '' })).toThrow(expect.objectContaining({ code: 'webhook_signature_missing' }));
      });
      it('any call for an instance that has no secret configured', () => {
        const { body, headers } = signed();
        expect(verify(body, headers, { ...instance, configuration: {} })).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid' }));
      });
      it('a body tampered to claim another org (the secret does not cover the body; the org id does)', () => {
        expect(verify(signed('00Dx0000000BV7z').body, signed().headers)).not.toThrow();
        const { body, headers } = signed('00D000000000001AAA');
        expect(verify(body, headers)).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid', message: expect.stringContaining('organizationId') }));
      });
      it('bodies without an objects array, with a malformed org id, or with too many records, naming the field', () => {
        const route = (body: unknown) => () => webhook().route(inboundWebhook(JSON.stringify(body), { headers: { 'element-instances': '1' } }));
        expect(route({ records: [] })).toThrow(expect.objectContaining({ code: 'webhook_payload_invalid', message: expect.stringContaining('"objects"') }));
        expect(route({ objects: {} })).toThrow(/"objects"/);
        expect(route({ objects: [], organizationId: '001D000000IRFmaIAH' })).toThrow(/"organizationId"/);
        expect(route({ objects: [], organizationId: 42 })).toThrow(/"organizationId"/);
        expect(route({ objects: Array.from({ length: 1001 }, (_, i) => ({ Id: String(i) })) })).toThrow(/more than 1000/);
        expect(() => webhook().route(inboundWebhook('not json'))).toThrow(expect.objectContaining({ code: 'webhook_payload_invalid' }));
        expect(() => webhook().route(inboundWebhook('{"objects":[]}', { headers: { 'element-instances': 'abc' } }))).toThrow(/Element-Instances/);
      });
    });
  });

  describe('properties', () => {
    const instance: ConnectorInstance = {
      id: 1,
      elementKey: 'sfdc',
      configuration: { [SALESFORCE_WEBHOOK_SECRET_CONFIGURATION_KEY]: SECRET },
      providerData: { organization_id: '00Dx0000000BV7zEAG' },
    };

    it('route and verify throw only ConnectorErrors, whatever the body and headers', async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryRawBody(), fc.option(fc.constantFrom(SECRET, '', 'x')), fc.option(fc.string({ maxLength: 20 })), async (body, secret, instances) => {
          const headers: Record<string, string> = {};
          if (secret !== null) headers['element-webhook-secret'] = secret;
          if (instances !== null) headers['element-instances'] = instances;
          const request = inboundWebhook(body, { headers });
          await onlyConnectorErrors(() => webhook().route(request));
          await onlyConnectorErrors(() => webhook().verify(request, instance, new Date()));
        }),
      );
    });

    it('route, verify and normalize keep their contract for mutated trigger bodies', async () => {
      const template = {
        ...DOCUMENTED_BODY,
        action: fc.constantFrom('insert', 'update', 'delete', 'undelete', 'AFTER_INSERT', 'upsert'),
        organizationId: fc.constantFrom('00Dx0000000BV7zEAG', '00Dx0000000BV7z', '00D000000000001AAA'),
        objectType: fc.constantFrom('Account', 'Lead'),
      };
      await fc.assert(
        fc.asyncProperty(arbitraryMutation(template), async (body) => {
          const raw = JSON.stringify(body) ?? 'null';
          const request = inboundWebhook(raw, { headers: { 'element-webhook-secret': SECRET, 'element-instances': '1' } });
          await onlyConnectorErrors(() => webhook().route(request));
          await onlyConnectorErrors(() => webhook().verify(request, instance, new Date()));
          const parsed: unknown = JSON.parse(raw);
          const result = await onlyConnectorErrors(() =>
            webhook().normalize({ instance, body: parsed, headers: {}, receivedAt: new Date(), state: {} }, { session: noSession }),
          );
          expectNormalizedValid(result);
          if (result) expect(result.events.length).toBeLessThanOrEqual(1000);
        }),
        { numRuns: 300 },
      );
    });

    it('normalize turns any JSON into schema-valid event objects or a ConnectorError', async () => {
      await fc.assert(
        fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 5 }), async (junk, objects) => {
          for (const body of [junk, { objects, action: 'update' }]) {
            const result = await onlyConnectorErrors(() =>
              webhook().normalize({ instance, body, headers: {}, receivedAt: new Date(), state: {} }, { session: noSession }),
            );
            expectNormalizedValid(result);
          }
        }),
      );
    });
  });
});

/** Webhook normalization never calls Salesforce. */
const noSession = {
  accessToken: () => Promise.reject(new Error('normalize must not call Salesforce')),
  refreshedAccessToken: () => Promise.reject(new Error('normalize must not call Salesforce')),
};

function isoOf(salesforceDate: unknown): string {
  return new Date(String(salesforceDate).replace(/\+0000$/, 'Z')).toISOString();
}
