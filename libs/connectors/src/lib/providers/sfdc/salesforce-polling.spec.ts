import { FakeSalesforce, present } from '@connector-events/testing';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ConnectorAdapter } from '../../core/connector-adapter';
import { ProviderHttpClient } from '../../http/provider-http-client';
import { normalizePolledRecords } from '../../polling/polled-records-normalizer';
import { parsePollerConfiguration } from '../../polling/poller-configuration-parser';
import { PollerResourceConfiguration } from '../../polling/poller-resource-configuration';
import { expandPollerUrl, pollerTemplateProblems } from '../../polling/poller-url-template';
import { ConnectorRegistry } from '../../registry/connector-registry';
import { readPath } from '../../webhooks/webhook-json';
import { SALESFORCE_SINCE_PLACEHOLDER, SalesforcePolling } from './salesforce-polling';
import { SFDC_CONNECTOR } from './sfdc.connector';

const APP = { clientId: '3MVG9sfdc.poll.key', clientSecret: 'sfdc-poll-secret', redirectUri: 'https://app.example.com/oauth/sfdc' };

/** The poller's own expansion of `${gmtDate:yyyy-MM-dd'T'HH:mm:ss'Z'}`. */
function fillSince(url: string, since: Date): string {
  return expandPollerUrl(url, { since, now: new Date(), providerData: {} });
}

describe('Salesforce polling', () => {
  const fake = new FakeSalesforce();
  let sfdc: ConnectorAdapter;
  const polling = () => present(sfdc.polling) as SalesforcePolling;

  beforeAll(async () => {
    await fake.start();
    fake.registerApp(APP);
    sfdc = new ConnectorRegistry({ modules: [SFDC_CONNECTOR], providerBaseUrls: { sfdc: fake.server.baseUrl } }).get('sfdc');
  });
  afterAll(() => fake.close());

  describe('configuration', () => {
    it('polls Account, Contact and Opportunity by default, and can poll Lead and Case', () => {
      expect(polling().objects).toEqual(['Account', 'Contact', 'Lead', 'Opportunity', 'Case']);
      expect(polling().defaultObjects).toEqual(['Account', 'Contact', 'Opportunity']);
      expect(Object.keys(polling().configuration())).toEqual(['Account', 'Contact', 'Opportunity']);
      expect(Object.keys(polling().configuration([]))).toEqual(['Account', 'Contact', 'Opportunity']);
      expect(Object.keys(polling().configuration(['case', ' Lead ']))).toEqual(['Case', 'Lead']);
    });

    it('is a valid event.poller.configuration for every object', () => {
      const configuration = polling().configuration(polling().objects);
      for (const [name, resource] of Object.entries(configuration)) {
        const errors = validateSync(plainToInstance(PollerResourceConfiguration, resource), { forbidUnknownValues: true, whitelist: true, forbidNonWhitelisted: true });
        expect({ name, errors }).toEqual({ name, errors: [] });
        expect({ name, problems: pollerTemplateProblems(resource.url) }).toEqual({ name, problems: [] });
      }
      // As the poller reads `event.poller.configuration`, JSON text included.
      expect(parsePollerConfiguration(JSON.stringify(configuration))).toEqual({ ok: true, configuration });
    });

    it('fills the placeholder with a SOQL dateTime literal, URL-encoded like the rest of the query', () => {
      const url = fillSince(present(polling().configuration(['Account'])['Account']).url, new Date('2024-05-01T10:00:30.123Z'));
      expect(new URL(url, 'https://x.my.salesforce.com').searchParams.get('q')).toBe(
        'SELECT Id, Name, CreatedDate, LastModifiedDate, SystemModstamp, IsDeleted FROM Account WHERE SystemModstamp > 2024-05-01T10:00:30Z ORDER BY SystemModstamp',
      );
    });

    it('asks queryAll for changes since the placeholder, ordered by SystemModstamp, with the placeholder left readable', () => {
      const account = polling().configuration(['Account'])['Account'];
      expect(account).toMatchObject({
        method: 'GET',
        recordsPath: 'records',
        nextPagePath: 'nextRecordsUrl',
        idField: 'Id',
        datesConfiguration: {
          updatedDateField: 'SystemModstamp',
          updatedDateFormat: "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
          createdDateField: 'CreatedDate',
          createdDateFormat: "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
        },
        deleted: { field: 'IsDeleted', value: true },
      });
      const url = present(account).url;
      expect(url.startsWith('/services/data/v62.0/queryAll?q=')).toBe(true);
      expect(url.split(SALESFORCE_SINCE_PLACEHOLDER)).toHaveLength(2);
      expect(url).not.toMatch(/ /);
      const [before, after] = url.slice('/services/data/v62.0/queryAll?q='.length).split(SALESFORCE_SINCE_PLACEHOLDER);
      expect(decodeURIComponent(before ?? '')).toBe('SELECT Id, Name, CreatedDate, LastModifiedDate, SystemModstamp, IsDeleted FROM Account WHERE SystemModstamp > ');
      expect(decodeURIComponent(after ?? '')).toBe(' ORDER BY SystemModstamp');
    });

    it('selects fields each object has: Case has CaseNumber and Subject, no Name', () => {
      const url = decodeURIComponent(present(polling().configuration(['Case'])['Case']).url);
      expect(url).toContain('SELECT Id, CaseNumber, Subject, CreatedDate, LastModifiedDate, SystemModstamp, IsDeleted FROM Case');
      expect(url).not.toContain('Name,');
    });

    it('refuses unknown objects, listing the ones it polls', () => {
      expect(() => polling().configuration(['Account', 'Invoice__c', 'User'])).toThrow(
        expect.objectContaining({
          code: 'configuration_invalid',
          status: 400,
          message: 'Salesforce cannot poll "Invoice__c", "User"; the objects it polls are Account, Contact, Lead, Opportunity, Case',
        }),
      );
    });

    it('resolves URLs against the org instance_url (or the base URL override)', () => {
      expect(polling().apiBaseUrl({ instance_url: 'https://acme.my.salesforce.com' })).toBe(fake.server.baseUrl);
    });
  });

  describe('against the fake', () => {
    const http = new ProviderHttpClient();
    let now = Date.parse('2024-05-01T10:00:00.000Z');
    const at = (iso: string) => (now = Date.parse(iso));

    beforeAll(() => {
      fake.clock = () => new Date(now);
    });
    afterAll(() => {
      fake.clock = () => new Date();
      fake.batchSize = 2000;
    });

    it('pages queryAll with the default URL, placeholder filled, and sees soft deletions', async () => {
      const { organizationId, code } = fake.linkOrg(APP.clientId);
      const tokens = await sfdc.oauth.exchangeCode({ code, ...APP, providerData: {} });
      at('2024-05-01T10:00:00.000Z');
      const old = fake.createRecord(organizationId, 'Account', { Name: 'Old' });
      const unchanged = fake.createRecord(organizationId, 'Account', { Name: 'Unchanged' });
      at('2024-05-01T10:01:00.000Z');
      const a1 = fake.createRecord(organizationId, 'Account', { Name: 'A1' });
      at('2024-05-01T10:02:00.000Z');
      const a2 = fake.createRecord(organizationId, 'Account', { Name: 'A2' });
      fake.createRecord(organizationId, 'Contact', { LastName: 'Not an account' });
      at('2024-05-01T10:03:00.000Z');
      const a3 = fake.createRecord(organizationId, 'Account', { Name: 'A3' });
      at('2024-05-01T10:04:00.000Z');
      fake.updateRecord(organizationId, String(old['Id']), { Name: 'Old, renamed' });
      at('2024-05-01T10:05:00.000Z');
      fake.deleteRecord(organizationId, String(a2['Id']));
      fake.batchSize = 2;

      const resource = present(polling().configuration(['Account'])['Account']);
      const base = polling().apiBaseUrl(tokens.providerData);
      const get = (path: string) =>
        http.json<Record<string, unknown>>('Salesforce', { method: 'GET', url: `${base}${path}`, headers: { authorization: `Bearer ${tokens.accessToken}` } });

      const pages: Record<string, unknown>[] = [];
      let next: unknown = fillSince(resource.url, new Date('2024-05-01T10:00:30.000Z'));
      while (typeof next === 'string' && pages.length < 10) {
        const page = await get(next);
        pages.push(page);
        next = readPath(page, present(resource.nextPagePath));
      }
      const records = pages.flatMap((page) => readPath(page, present(resource.recordsPath)) as Record<string, unknown>[]);

      expect(pages.map((page) => [page['totalSize'], page['done']])).toEqual([[4, false], [4, true]]);
      expect(pages[0]?.['nextRecordsUrl']).toMatch(/^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]{15}-2$/);
      expect(records.map((record) => record['Id'])).toEqual([a1['Id'], a3['Id'], old['Id'], a2['Id']]);
      expect(records.map((record) => record['Id'])).not.toContain(unchanged['Id']);
      expect(records.at(-1)).toMatchObject({ Name: 'A2', IsDeleted: true, SystemModstamp: '2024-05-01T10:05:00.000+0000' });
      expect(records[0]).toEqual({
        attributes: { type: 'Account', url: `/services/data/v62.0/sobjects/Account/${String(a1['Id'])}` },
        Id: a1['Id'],
        Name: 'A1',
        CreatedDate: '2024-05-01T10:01:00.000+0000',
        LastModifiedDate: '2024-05-01T10:01:00.000+0000',
        SystemModstamp: '2024-05-01T10:01:00.000+0000',
        IsDeleted: false,
      });

      // What the poller makes of these pages: creations, updates and the soft deletion.
      const since = new Date('2024-05-01T10:00:30.000Z');
      const normalized = normalizePolledRecords({ descriptor: sfdc.descriptor, objectType: 'Account', records, configuration: resource, since, pollDate: new Date(now) });
      expect(normalized.events.map((event) => [event.objectId, event.eventType, event.name, event.date])).toEqual([
        [a1['Id'], 'CREATED', 'A1', '2024-05-01T10:01:00.000Z'],
        [a3['Id'], 'CREATED', 'A3', '2024-05-01T10:03:00.000Z'],
        [old['Id'], 'UPDATED', 'Old, renamed', '2024-05-01T10:04:00.000Z'],
        [a2['Id'], 'DELETED', 'A2', '2024-05-01T10:05:00.000Z'],
      ]);

      // Plain `query` would have missed the deletion: that is why the poller uses queryAll.
      const plain = await get(fillSince(resource.url, new Date('2024-05-01T10:00:30.000Z')).replace('/queryAll?', '/query?'));
      expect(plain['totalSize']).toBe(3);
    });

    it('every default object query runs as written against the fake', async () => {
      const { organizationId, code } = fake.linkOrg(APP.clientId);
      const tokens = await sfdc.oauth.exchangeCode({ code, ...APP, providerData: {} });
      at('2024-05-02T09:00:00.000Z');
      fake.createRecord(organizationId, 'Lead', { LastName: 'Lovelace', Company: 'Analytical Engines' });
      fake.createRecord(organizationId, 'Case', { Subject: 'Printer on fire' });
      fake.createRecord(organizationId, 'Opportunity', { Name: 'Big deal' });
      fake.createRecord(organizationId, 'Contact', { FirstName: 'Ada', LastName: 'Lovelace' });
      const configuration = polling().configuration(polling().objects);
      for (const [name, resource] of Object.entries(configuration)) {
        const answer = await http.json<Record<string, unknown>>('Salesforce', {
          method: 'GET',
          url: `${polling().apiBaseUrl(tokens.providerData)}${fillSince(resource.url, new Date('2024-05-02T08:00:00Z'))}`,
          headers: { authorization: `Bearer ${tokens.accessToken}` },
        });
        expect({ name, totalSize: answer['totalSize'] }).toEqual({ name, totalSize: name === 'Account' ? 0 : 1 });
      }
    });
  });
});
