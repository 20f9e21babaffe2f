import { FakeHubSpot, present } from '@connector-events/testing';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ConnectorAdapter } from '../../core/connector-adapter';
import { ConnectorError } from '../../core/connector-error';
import { ProviderHttpClient } from '../../http/provider-http-client';
import { JavaDateFormat } from '../../polling/java-date-format';
import { parsePollerConfiguration } from '../../polling/poller-configuration-parser';
import { PollerResourceConfiguration } from '../../polling/poller-resource-configuration';
import { expandPollerBody, pollerBodyProblems, pollerTemplateProblems } from '../../polling/poller-url-template';
import { ConnectorRegistry } from '../../registry/connector-registry';
import { readPath } from '../../webhooks/webhook-json';
import { HUBSPOT_CONNECTOR } from './hubspot.connector';

const APP = { clientId: 'hs-client-id', clientSecret: 'hs-client-secret', redirectUri: 'https://app.example.com/oauth/hubspot' };

describe('HubSpot polling definitions', () => {
  const polling = present(new ConnectorRegistry({ modules: [HUBSPOT_CONNECTOR] }).get('hubspot').polling, 'polling');

  it('polls contacts, companies, deals and tickets; contacts, companies and deals by default', () => {
    expect(polling.objects).toEqual(['contacts', 'companies', 'deals', 'tickets']);
    expect(polling.defaultObjects).toEqual(['contacts', 'companies', 'deals']);
    expect(Object.keys(polling.configuration())).toEqual(['contacts', 'companies', 'deals']);
    expect(Object.keys(polling.configuration([]))).toEqual(['contacts', 'companies', 'deals']);
    expect(Object.keys(polling.configuration(['tickets']))).toEqual(['tickets']);
  });

  it('gives every resource a configuration that passes PollerResourceConfiguration validation', () => {
    for (const [name, resource] of Object.entries(polling.configuration(polling.objects))) {
      const problems = validateSync(plainToInstance(PollerResourceConfiguration, resource), { forbidUnknownValues: true });
      expect({ name, problems }).toEqual({ name, problems: [] });
    }
  });

  it('is accepted whole by the poller configuration parser, placeholders and date formats included', () => {
    const configuration = polling.configuration(polling.objects);
    expect(parsePollerConfiguration(JSON.stringify(configuration))).toEqual({ ok: true, configuration: expect.any(Object) });
    for (const resource of Object.values(configuration)) {
      expect(pollerTemplateProblems(resource.url)).toEqual([]);
      expect(pollerBodyProblems(present(resource.body))).toEqual([]);
      const dates = present(resource.datesConfiguration);
      // The form of HubSpot's search results (`createdAt`, `updatedAt`).
      expect(JavaDateFormat.of(present(dates.updatedDateFormat)).parse('2019-12-07T16:50:06.678Z')?.toISOString()).toBe('2019-12-07T16:50:06.678Z');
      expect(JavaDateFormat.of(present(dates.createdDateFormat)).parse('2019-10-30T03:30:17.883Z')?.toISOString()).toBe('2019-10-30T03:30:17.883Z');
    }
  });

  it('searches on lastmodifieddate for contacts and hs_lastmodifieddate for the others', () => {
    const configuration = polling.configuration(polling.objects);
    expect(configuration['contacts']).toEqual({
      url: '/crm/v3/objects/contacts/search',
      method: 'POST',
      body: {
        filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '${epoch}' }] }],
        sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
        properties: expect.arrayContaining(['email', 'createdate', 'lastmodifieddate']),
        limit: 100,
      },
      recordsPath: 'results',
      nextPagePath: 'paging.next.after',
      idField: 'id',
      filterByUpdatedDate: true,
      datesConfiguration: {
        updatedDateField: 'updatedAt',
        updatedDateFormat: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
        createdDateField: 'createdAt',
        createdDateFormat: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
      },
      createdCheckTolerance: 10,
      pageSize: 100,
      pollDelay: 60,
    });
    for (const name of ['companies', 'deals', 'tickets']) {
      const body = present(configuration[name]?.body);
      expect(readPath(body, 'filterGroups.0.filters.0.propertyName')).toBe('hs_lastmodifieddate');
      expect(readPath(body, 'sorts.0')).toEqual({ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' });
      expect(body['properties']).toEqual(expect.arrayContaining(['createdate', 'hs_lastmodifieddate']));
      expect(configuration[name]?.url).toBe(`/crm/v3/objects/${name}/search`);
    }
  });

  it('hands out copies: changing one configuration does not change the next', () => {
    const first = polling.configuration(['contacts']);
    (present(first['contacts']?.body)['properties'] as string[]).push('mutated');
    expect(polling.configuration(['contacts'])['contacts']?.body?.['properties']).not.toContain('mutated');
  });

  it('refuses unknown objects, naming them and listing the valid ones', () => {
    const error = (() => {
      try {
        polling.configuration(['contacts', 'nope']);
        return undefined;
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ code: 'configuration_invalid', status: 400 });
    expect((error as Error).message).toBe('HubSpot cannot poll "nope"; the objects it polls are contacts, companies, deals, tickets');
    // Webhook-only objects are not polled.
    expect(() => polling.configuration(['products'])).toThrow(/"products"/);
  });
});

describe('the HubSpot fake search, driven by the default configuration', () => {
  const fake = new FakeHubSpot();
  const http = new ProviderHttpClient();
  let hubspot: ConnectorAdapter;
  let token: string;
  let portalId: number;

  beforeAll(async () => {
    await fake.start();
    fake.registerApp(APP);
    hubspot = new ConnectorRegistry({ modules: [HUBSPOT_CONNECTOR], providerBaseUrls: { hubspot: fake.server.baseUrl } }).get('hubspot');
    const installed = fake.installApp(APP.clientId);
    portalId = installed.portal.portalId;
    const tokens = await hubspot.oauth.exchangeCode({ code: installed.code, ...APP, providerData: {} });
    token = tokens.accessToken;
  });
  afterAll(() => fake.close());

  /** What a poller does with a resource: the placeholder filled, `after` from `nextPagePath`, every page. */
  async function poll(resource: PollerResourceConfiguration, since: Date): Promise<{ records: Record<string, unknown>[]; pages: number }> {
    const body = expandPollerBody(present(resource.body), { since, now: new Date(), providerData: {} });
    expect(readPath(body, 'filterGroups.0.filters.0.value')).toBe(String(since.getTime()));
    const records: Record<string, unknown>[] = [];
    let after: unknown;
    let pages = 0;
    do {
      const answer = await http.json<Record<string, unknown>>('HubSpot', {
        method: 'POST',
        url: `${fake.server.baseUrl}${resource.url}`,
        headers: { authorization: `Bearer ${token}` },
        json: after === undefined ? body : { ...body, after },
      });
      records.push(...(readPath(answer, present(resource.recordsPath)) as Record<string, unknown>[]));
      after = readPath(answer, present(resource.nextPagePath));
      pages++;
    } while (after !== undefined);
    return { records, pages };
  }

  it('returns the records changed since the poll time, oldest change first, across pages', async () => {
    const resource = present(polling().configuration(['contacts'])['contacts']);
    const base = Date.UTC(2026, 0, 10, 12, 0, 0);
    fake.createRecord(portalId, 'contacts', { email: 'old@example.com' }, new Date(base - 60_000));
    const created = Array.from({ length: 150 }, (_, i) => fake.createRecord(portalId, 'contacts', { email: `c${i}@example.com` }, new Date(base + i * 1000)));
    const first = present(created[0]);
    fake.updateRecord(portalId, 'contacts', first.id, { firstname: 'Ada' }, new Date(base + 500_000));
    fake.deleteRecord(portalId, 'contacts', present(created[1]).id);
    fake.createRecord(portalId, 'companies', { name: 'Not a contact' }, new Date(base + 1000));

    const { records, pages } = await poll(resource, new Date(base));
    expect(pages).toBe(2);
    expect(records).toHaveLength(149);
    expect(records.at(-1)).toEqual({
      id: first.id,
      properties: expect.objectContaining({ email: 'c0@example.com', createdate: new Date(base).toISOString(), lastmodifieddate: new Date(base + 500_000).toISOString(), hs_object_id: first.id }),
      createdAt: new Date(base).toISOString(),
      updatedAt: new Date(base + 500_000).toISOString(),
      archived: false,
    });
    const updated = records.map((record) => Date.parse(String(record['updatedAt'])));
    expect(updated).toEqual([...updated].sort((a, b) => a - b));
    expect(records.map((record) => record['id'])).not.toContain(present(created[1]).id);
    // Java's SSSXXX writes UTC as `Z`, which is what HubSpot sends.
    expect(String(records[0]?.['updatedAt'])).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    fake.takeEvents();
  });

  it('honours the hs_lastmodifieddate filter for companies, in ISO or epoch form', async () => {
    const resource = present(polling().configuration(['companies'])['companies']);
    const base = Date.UTC(2026, 1, 1);
    fake.createRecord(portalId, 'companies', { name: 'Before' }, new Date(base - 1));
    const at = fake.createRecord(portalId, 'companies', { name: 'At' }, new Date(base));
    const { records } = await poll(resource, new Date(base));
    expect(records.map((record) => record['id'])).toContain(at.id);
    expect(records.map((record) => readPath(record, 'properties.name'))).not.toContain('Before');
    const iso = await search('companies', { filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GT', value: new Date(base).toISOString() }] }] });
    expect(readPath(iso.json, 'results')).not.toContainEqual(expect.objectContaining({ id: at.id }));
    fake.takeEvents();
  });

  async function search(object: string, body: unknown, bearer = token): Promise<{ status: number; json: unknown }> {
    const answer = await http.send('HubSpot', {
      method: 'POST',
      url: `${fake.server.baseUrl}/crm/v3/objects/${object}/search`,
      headers: { authorization: `Bearer ${bearer}` },
      json: body,
    });
    return { status: answer.status, json: JSON.parse(answer.text) as unknown };
  }

  it('answers 400 for a limit over 200, paging past 10,000 results and unknown objects', async () => {
    expect(await search('contacts', { limit: 201 })).toMatchObject({ status: 400, json: { status: 'error', category: 'VALIDATION_ERROR', message: expect.stringContaining('200') } });
    expect(await search('contacts', { limit: 200, after: '10000' })).toMatchObject({ status: 400, json: { message: expect.stringContaining('10000') } });
    expect(await search('nope', {})).toMatchObject({ status: 400, json: { message: 'Unable to infer object type from: nope' } });
    expect((await search('contacts', { sorts: [{ propertyName: 'createdate' }, { propertyName: 'email' }] })).status).toBe(400);
    expect((await search('contacts', { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'GTE' }] }] })).status).toBe(400);
  });

  it('answers 401 in HubSpot words for a token it does not know', async () => {
    expect(await search('contacts', {}, 'not-a-token')).toEqual({
      status: 401,
      json: {
        status: 'error',
        message: expect.stringMatching(/^Authentication credentials not found/),
        correlationId: expect.any(String),
        category: 'INVALID_AUTHENTICATION',
      },
    });
  });

  it('only searches the portal the token belongs to', async () => {
    const other = fake.installApp(APP.clientId);
    const secret = fake.createRecord(other.portal.portalId, 'deals', { dealname: 'Other portal' });
    const { json } = await search('deals', { limit: 200 });
    expect(readPath(json, 'results')).not.toContainEqual(expect.objectContaining({ id: secret.id }));
    fake.takeEvents();
  });

  const polling = () => present(hubspot.polling);
});
