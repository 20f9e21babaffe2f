import { FakeQuickBooks, present } from '@connector-events/testing';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ConnectorAdapter } from '../../core/connector-adapter';
import { withAccessToken } from '../../core/provider-session';
import { RefreshingSession } from '../../core/refreshing-session';
import { ProviderHttpClient } from '../../http/provider-http-client';
import { PollerResourceConfiguration } from '../../polling/poller-resource-configuration';
import { ConnectorRegistry } from '../../registry/connector-registry';
import { readPath } from '../../webhooks/webhook-json';
import { QUICKBOOKS_CONNECTOR } from './quickbooks.connector';

const APP = { clientId: 'ABqbo-poll-client', clientSecret: 'qbo-poll-secret', redirectUri: 'https://app.example.com/oauth/quickbooks' };
/** `yyyy-MM-dd'T'HH:mm:ssXXX` as Intuit writes it: seconds and a `±hh:mm` offset. */
const INTUIT_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/;

/** What the poller does with a resource URL: the realm from provider data, the date in GMT. */
function resolveUrl(template: string, realmId: string, since: Date): string {
  return template
    .replace('{realmId}', realmId)
    .replace("${gmtDate:yyyy-MM-dd'T'HH:mm:ssXXX}", since.toISOString().replace(/\.\d{3}Z$/, 'Z'));
}

function problems(plain: unknown): string[] {
  const errors = validateSync(plainToInstance(PollerResourceConfiguration, plain), {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
  });
  return errors.map((error) => error.toString());
}

describe('QuickBooks polling', () => {
  const fake = new FakeQuickBooks();
  const http = new ProviderHttpClient();
  let quickbooks: ConnectorAdapter;
  const polling = () => present(quickbooks.polling, 'the QuickBooks polling definitions');

  beforeAll(async () => {
    await fake.start();
    fake.registerApp(APP);
    quickbooks = new ConnectorRegistry({ modules: [QUICKBOOKS_CONNECTOR], providerBaseUrls: { quickbooks: fake.server.baseUrl } }).get('quickbooks');
  });
  afterAll(() => fake.close());

  async function connect(): Promise<{ realmId: string; session: RefreshingSession }> {
    const { realmId, code } = fake.connectCompany(APP.clientId);
    const tokens = await quickbooks.oauth.exchangeCode({ code, ...APP, providerData: { realmId } });
    return { realmId, session: new RefreshingSession(quickbooks.oauth, { ...APP, providerData: tokens.providerData }, tokens) };
  }

  const cdc = (url: string, token: string) => http.send('QuickBooks', { method: 'GET', url: `${fake.server.baseUrl}${url}`, headers: { authorization: `Bearer ${token}` } });

  describe('definitions', () => {
    it('polls the documented objects, customers, invoices and payments by default', () => {
      expect(polling().objects).toEqual(['customers', 'invoices', 'payments', 'items', 'vendors', 'bills', 'estimates', 'accounts']);
      expect(polling().defaultObjects).toEqual(['customers', 'invoices', 'payments']);
      expect(Object.keys(polling().configuration())).toEqual(['customers', 'invoices', 'payments']);
      expect(Object.keys(polling().configuration([]))).toEqual(['customers', 'invoices', 'payments']);
      expect(Object.keys(polling().configuration(['bills', 'accounts']))).toEqual(['bills', 'accounts']);
    });

    it('describes Change Data Capture for one entity', () => {
      expect(polling().configuration(['customers'])['customers']).toEqual({
        url: "/v3/company/{realmId}/cdc?entities=Customer&changedSince=${gmtDate:yyyy-MM-dd'T'HH:mm:ssXXX}&minorversion=75",
        method: 'GET',
        idField: 'Id',
        filterByUpdatedDate: true,
        datesConfiguration: {
          updatedDateField: 'MetaData.LastUpdatedTime',
          updatedDateFormat: "yyyy-MM-dd'T'HH:mm:ssXXX",
          createdDateField: 'MetaData.CreateTime',
          createdDateFormat: "yyyy-MM-dd'T'HH:mm:ssXXX",
        },
        recordsPath: 'CDCResponse.0.QueryResponse.0.Customer',
        deleted: { field: 'status', value: 'Deleted' },
      });
    });

    it('gives every object a configuration that passes PollerResourceConfiguration validation', () => {
      const all = polling().configuration(polling().objects);
      expect(Object.keys(all)).toEqual(polling().objects);
      for (const resource of Object.values(all)) expect(problems(resource)).toEqual([]);
      // The check can fail: a misspelled field or a wrong type is caught.
      expect(problems({ ...all['customers'], recordPath: 'x' })).not.toEqual([]);
      expect(problems({ ...all['customers'], datesConfiguration: { updatedDateField: '' } })).not.toEqual([]);
    });

    it('refuses an unknown object, listing the valid ones', () => {
      const error = (() => {
        try {
          polling().configuration(['customers', 'timeactivities']);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toMatchObject({
        code: 'configuration_invalid',
        status: 400,
        message: 'QuickBooks cannot poll "timeactivities"; the objects it can poll are customers, invoices, payments, items, vendors, bills, estimates, accounts',
      });
      expect(() => polling().configuration(['constructor'])).toThrow(expect.objectContaining({ code: 'configuration_invalid' }));
    });
  });

  describe('against the fake CDC', () => {
    it("answers every object's default URL with its records at recordsPath, deletions marked", async () => {
      const { realmId, session } = await connect();
      const since = new Date(Date.now() - 60_000);
      const configuration = polling().configuration(polling().objects);
      for (const [object, resource] of Object.entries(configuration)) {
        const entity = present(/entities=(\w+)/.exec(resource.url)?.[1], `the entity of ${object}`);
        const kept = fake.createEntity(realmId, entity, { Name: `${object} kept` });
        const changed = fake.createEntity(realmId, entity);
        fake.updateEntity(realmId, entity, String(changed['Id']), { Name: `${object} renamed` });
        const gone = fake.createEntity(realmId, entity);
        fake.deleteEntity(realmId, entity, String(gone['Id']));

        const body = await withAccessToken(session, (token) =>
          http.json('QuickBooks', { method: 'GET', url: `${fake.server.baseUrl}${resolveUrl(resource.url, realmId, since)}`, headers: { authorization: `Bearer ${token}` } }),
        );
        const records = readPath(body, present(resource.recordsPath));
        expect(Array.isArray(records)).toBe(true);
        const list = records as Record<string, unknown>[];
        expect(list.map((record) => readPath(record, resource.idField))).toEqual([kept['Id'], changed['Id'], gone['Id']]);
        const marker = present(resource.deleted);
        const dates = present(resource.datesConfiguration);
        for (const record of list) {
          expect(readPath(record, dates.updatedDateField)).toMatch(INTUIT_TIME);
          if (record[marker.field] === marker.value) continue;
          expect(readPath(record, present(dates.createdDateField))).toMatch(INTUIT_TIME);
        }
        expect(list.filter((record) => record[marker.field] === marker.value)).toEqual([
          { status: 'Deleted', domain: 'QBO', Id: gone['Id'], MetaData: { LastUpdatedTime: expect.stringMatching(INTUIT_TIME) } },
        ]);
        expect(list[1]).toMatchObject({ Name: `${object} renamed`, SyncToken: '1' });
        expect(body).toMatchObject({ time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/) });
      }
      fake.takeChanges();
    });

    it('asks for the URL exactly as configured', async () => {
      const { realmId, session } = await connect();
      const url = resolveUrl(polling().configuration(['invoices'])['invoices']?.url ?? '', realmId, new Date('2030-01-01T00:00:00Z'));
      await withAccessToken(session, (token) => cdc(url, token));
      const call = present(fake.server.requestsTo('GET', `/v3/company/${realmId}/cdc`).at(-1));
      expect(call.query).toEqual({ entities: 'Invoice', changedSince: '2030-01-01T00:00:00Z', minorversion: '75' });
    });

    it('groups several entities in request order, deleted objects after active ones', async () => {
      const { realmId, session } = await connect();
      const first = fake.createEntity(realmId, 'Customer');
      fake.createEntity(realmId, 'Invoice');
      const second = fake.createEntity(realmId, 'Customer');
      fake.deleteEntity(realmId, 'Customer', String(first['Id']));
      fake.takeChanges();
      const since = new Date(Date.now() - 60_000).toISOString();
      const answer = await cdc(`/v3/company/${realmId}/cdc?entities=customer,Invoice&changedSince=${since}`, await session.accessToken());
      const body = JSON.parse(answer.text) as unknown;
      expect(readPath(body, 'CDCResponse.0.QueryResponse.0.Customer.0.Id')).toBe(second['Id']);
      expect(readPath(body, 'CDCResponse.0.QueryResponse.0.Customer.1')).toMatchObject({ status: 'Deleted', Id: first['Id'] });
      expect(readPath(body, 'CDCResponse.0.QueryResponse.1.Invoice')).toHaveLength(1);
    });

    it('returns at most 1,000 objects', async () => {
      const { realmId, session } = await connect();
      for (let i = 0; i < 1003; i++) fake.createEntity(realmId, 'Customer');
      fake.takeChanges();
      const answer = await cdc(`/v3/company/${realmId}/cdc?entities=Customer&changedSince=${new Date(Date.now() - 60_000).toISOString()}`, await session.accessToken());
      expect(readPath(JSON.parse(answer.text), 'CDCResponse.0.QueryResponse.0.Customer')).toHaveLength(1000);
    });

    it("refuses a bad token with Intuit's authentication fault, which the session refreshes past", async () => {
      const { realmId, session } = await connect();
      const answer = await cdc(`/v3/company/${realmId}/cdc?entities=Customer&changedSince=2030-01-01T00:00:00Z`, 'not-a-token');
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text)).toMatchObject({
        fault: { error: [{ message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', code: '3200' }], type: 'AUTHENTICATION' },
        time: expect.any(Number),
      });
      fake.oauth.expireAccessTokens();
      const url = `${fake.server.baseUrl}/v3/company/${realmId}/cdc?entities=Customer&changedSince=${new Date().toISOString()}`;
      const body = await withAccessToken(session, (token) => http.json('QuickBooks', { method: 'GET', url, headers: { authorization: `Bearer ${token}` } }));
      expect(body).toMatchObject({ CDCResponse: [{ QueryResponse: [{}] }] });
    });

    it("refuses another company's token with 403", async () => {
      const a = await connect();
      const b = await connect();
      const answer = await cdc(`/v3/company/${b.realmId}/cdc?entities=Customer&changedSince=2030-01-01T00:00:00Z`, await a.session.accessToken());
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.text)).toMatchObject({ fault: { error: [{ code: '3100' }], type: 'SERVICE' } });
    });

    it.each([
      ['changedSince older than 30 days', `entities=Customer&changedSince=${new Date(Date.now() - 31 * 24 * 3600 * 1000).toISOString()}`, /older than fixed days/],
      ['no changedSince', 'entities=Customer', /changedSince is required/],
      ['a changedSince that is not a date', 'entities=Customer&changedSince=yesterday', /not a date/],
      ['no entities', `changedSince=${new Date().toISOString()}`, /entities is required/],
      ['an entity CDC does not support', `entities=TimeActivity&changedSince=${new Date().toISOString()}`, /Unsupported entity for cdc: TimeActivity/],
    ])('answers %s with a 400 validation fault', async (_case, query, detail) => {
      const { realmId, session } = await connect();
      const answer = await cdc(`/v3/company/${realmId}/cdc?${query}`, await session.accessToken());
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.text)).toEqual({
        Fault: { Error: [{ Message: 'Request has invalid or unsupported property', Detail: expect.stringMatching(detail), code: '2010' }], type: 'ValidationFault' },
        time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
    });
  });
});
