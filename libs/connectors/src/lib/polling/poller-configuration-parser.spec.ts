import { arbitraryMutation } from '@connector-events/testing';
import fc from 'fast-check';
import { MAX_POLLED_RESOURCES, PollerConfigurationCheck, parsePollerConfiguration } from './poller-configuration-parser';
import { PollerResourceConfiguration } from './poller-resource-configuration';

/** Property runs take seconds; a machine busy with other suites must not turn them into timeouts. */
const PROPERTY_TIMEOUT_MS = 60_000;

const INTUIT_FORMAT = "yyyy-MM-dd'T'HH:mm:ssXXX";
const quickBooksCustomers = {
  url: `/v3/company/{realmId}/cdc?entities=Customer&changedSince=\${gmtDate:${INTUIT_FORMAT}}&minorversion=75`,
  method: 'GET',
  idField: 'Id',
  filterByUpdatedDate: true,
  datesConfiguration: {
    updatedDateField: 'MetaData.LastUpdatedTime',
    updatedDateFormat: INTUIT_FORMAT,
    createdDateField: 'MetaData.CreateTime',
    createdDateFormat: INTUIT_FORMAT,
  },
  recordsPath: 'CDCResponse.0.QueryResponse.0.Customer',
  deleted: { field: 'status', value: 'Deleted' },
};
const hubSpotContacts = {
  url: '/crm/v3/objects/contacts/search',
  method: 'POST',
  body: {
    filterGroups: [{ filters: [{ propertyName: 'lastmodifieddate', operator: 'GTE', value: '${epoch}' }] }],
    sorts: [{ propertyName: 'lastmodifieddate', direction: 'ASCENDING' }],
    limit: 100,
  },
  recordsPath: 'results',
  nextPagePath: 'paging.next.after',
  idField: 'id',
  datesConfiguration: { updatedDateField: 'updatedAt', updatedDateFormat: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", createdDateField: 'createdAt' },
  createdCheckTolerance: 1,
  pageSize: 100,
  pollDelay: 60,
};
/** Shaped like the example of the Cloud Elements developer portal, with fields we do not use. */
const openConnectorsContacts = {
  url: "/hubs/crm/contacts?where=update_time >= '${gmtDate:yyyy-MM-dd HH:mm:ss}'",
  filterByCurrentDate: true,
  filterByUpdatedDate: false,
  idField: 'user.id',
  datesConfiguration: {
    updatedDateField: 'update_time',
    updatedDateFormat: 'yyyy-MM-dd HH:mm:ss',
    updatedDateTimezone: 'GMT',
    createdDateField: 'add_time',
    createdDateFormat: 'yyyy-MM-dd HH:mm:ss',
    createdDateTimezone: 'GMT',
    someFutureField: 1,
  },
  createdCheckTolerance: 2,
  pageSize: 200,
  updatedDateTimezone: 'MST',
  pollDelay: 30,
  postHooks: ['x'],
};

function problemsOf(check: PollerConfigurationCheck): string[] {
  if (check.ok) throw new Error(`expected problems, got ${JSON.stringify(check.configuration)}`);
  return check.problems;
}

function configurationOf(check: PollerConfigurationCheck): Record<string, PollerResourceConfiguration> {
  if (!check.ok) throw new Error(`expected a configuration, got ${check.problems.join('; ')}`);
  return check.configuration;
}

describe('parsePollerConfiguration', () => {
  it('reads an object and the same configuration as JSON text', () => {
    const value = { customers: quickBooksCustomers, contacts: hubSpotContacts };
    const fromObject = configurationOf(parsePollerConfiguration(value));
    const fromText = configurationOf(parsePollerConfiguration(JSON.stringify(value)));
    expect(fromText).toEqual(fromObject);
    expect(Object.keys(fromObject)).toEqual(['customers', 'contacts']);
    expect(fromObject['customers']).toBeInstanceOf(PollerResourceConfiguration);
    expect(fromObject['customers']).toEqual(expect.objectContaining(quickBooksCustomers));
    expect(fromObject['contacts']?.body).toEqual(hubSpotContacts.body);
  });

  it('drops fields Open Connectors has and we do not use, without failing', () => {
    const resource = configurationOf(parsePollerConfiguration({ contacts: openConnectorsContacts }))['contacts'];
    expect(resource).toBeDefined();
    expect(Object.keys(resource ?? {}).sort()).toEqual(
      ['createdCheckTolerance', 'datesConfiguration', 'filterByUpdatedDate', 'idField', 'pageSize', 'pollDelay', 'url'].sort(),
    );
    expect(resource?.datesConfiguration).not.toHaveProperty('someFutureField');
    expect(resource?.datesConfiguration?.updatedDateTimezone).toBe('GMT');
  });

  it('works on a copy: changing the input afterwards changes nothing', () => {
    const value = structuredClone({ customers: quickBooksCustomers });
    const configuration = configurationOf(parsePollerConfiguration(value));
    value.customers.datesConfiguration.updatedDateFormat = 'QQQ';
    expect(configuration['customers']?.datesConfiguration?.updatedDateFormat).toBe(INTUIT_FORMAT);
  });

  it('keeps a __proto__ key of a body as data, and does not let it reach a prototype', () => {
    const text = JSON.stringify({ contacts: hubSpotContacts }).replace('"limit":100', '"limit":100,"__proto__":{"polluted":true}');
    const body = configurationOf(parsePollerConfiguration(text))['contacts']?.body ?? {};
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(Object.hasOwn(body, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  describe('names the resource and field of every problem', () => {
    const withChange = (change: Record<string, unknown>) => ({ contacts: { ...hubSpotContacts, ...change } });

    it.each([
      ['contacts.datesConfiguration.updatedDateField must be a string', withChange({ datesConfiguration: { updatedDateField: 7 } })],
      ['contacts.idField should not be empty', withChange({ idField: '' })],
      ['contacts.url must be a string', withChange({ url: undefined })],
      ['contacts.method must be one of the following values: GET, POST', withChange({ method: 'DELETE' })],
      ['contacts.pageSize must not be less than 1', withChange({ pageSize: 0 })],
      ['contacts.pollDelay must be an integer number', withChange({ pollDelay: 1.5 })],
      ['contacts.filterByUpdatedDate must be a boolean value', withChange({ filterByUpdatedDate: 'true' })],
      ['contacts.body must be an object', withChange({ body: ['not', 'an', 'object'] })],
      ['contacts.datesConfiguration must be an object', withChange({ datesConfiguration: [{ updatedDateField: 'updatedAt' }] })],
      ['contacts.deleted.value must be a string or a boolean', withChange({ deleted: { field: 'archived', value: 1 } })],
      ['contacts.url: the placeholder ${lastPoll} is unknown', withChange({ url: '/x?since=${lastPoll}' })],
      ['contacts.body.value: the placeholder ${since} is unknown', withChange({ body: { value: '${since}' } })],
      ['contacts.datesConfiguration.updatedDateFormat: the date format "yyyy-MM-dd Q" uses the letter "Q"', withChange({ datesConfiguration: { updatedDateField: 'updatedAt', updatedDateFormat: 'yyyy-MM-dd Q' } })],
      ['contacts.datesConfiguration.createdDateTimezone "Mars/Olympus_Mons" is not a known time zone', withChange({ datesConfiguration: { updatedDateField: 'updatedAt', createdDateTimezone: 'Mars/Olympus_Mons' } })],
      ['contacts.datesConfiguration is required unless filterByUpdatedDate is false', withChange({ datesConfiguration: undefined })],
      ['contacts.recordsPath "results..items" must be a dot path', withChange({ recordsPath: 'results..items' })],
      ['contacts must be an object, got string', { contacts: 'yes' }],
      ['resource name "con tacts" must be', { 'con tacts': hubSpotContacts }],
      ['resource name "pollDate" must be', { pollDate: hubSpotContacts }],
    ])('%s', (problem: string, value: unknown) => {
      expect(problemsOf(parsePollerConfiguration(value))).toContainEqual(expect.stringContaining(problem));
    });

    it('reports the problems of every resource at once', () => {
      const problems = problemsOf(parsePollerConfiguration({ customers: { ...quickBooksCustomers, idField: 3 }, contacts: { ...hubSpotContacts, pollDelay: -1 } }));
      expect(problems).toEqual(['customers.idField must be a string', 'contacts.pollDelay must not be less than 0']);
    });

    it('lets filterByUpdatedDate false go without dates', () => {
      expect(parsePollerConfiguration({ contacts: { url: '/contacts', idField: 'id', filterByUpdatedDate: false } }).ok).toBe(true);
    });
  });

  describe('refuses what is not a configuration', () => {
    it.each([
      ['{"contacts": ', 'event.poller.configuration is not valid JSON'],
      ['[]', 'must be a JSON object keyed by resource name, got an array'],
      [null, 'got null'],
      [42, 'got number'],
      [{}, 'names no resource'],
      [undefined, 'must be JSON'],
      [{ contacts: { url: '/x', idField: 'id', filterByUpdatedDate: false, size: BigInt(1) } }, 'must be JSON'],
    ])('%p', (value: unknown, problem: string) => {
      expect(problemsOf(parsePollerConfiguration(value))).toEqual([expect.stringContaining(problem)]);
    });

    it('null fields count as not set (found by the mutation property)', () => {
      const result = parsePollerConfiguration({ contacts: { ...hubSpotContacts, method: null, nextPagePath: null, datesConfiguration: { ...hubSpotContacts.datesConfiguration, createdDateField: null } } });
      const { method: _method, nextPagePath: _nextPagePath, ...withoutThem } = hubSpotContacts;
      expect(result).toEqual(parsePollerConfiguration({ contacts: { ...withoutThem, datesConfiguration: { ...hubSpotContacts.datesConfiguration, createdDateField: undefined } } }));
      expect(result.ok).toBe(true);
    });

    it('a circular object', () => {
      const value: Record<string, unknown> = {};
      value['self'] = value;
      expect(problemsOf(parsePollerConfiguration(value))).toEqual(['event.poller.configuration must be JSON (an object or its text)']);
    });

    it(`more than ${MAX_POLLED_RESOURCES} resources`, () => {
      const many = Object.fromEntries(Array.from({ length: MAX_POLLED_RESOURCES + 1 }, (_, i) => [`object${i}`, hubSpotContacts]));
      expect(problemsOf(parsePollerConfiguration(many))).toEqual([`event.poller.configuration has 101 resources; at most 100 are allowed`]);
      expect(parsePollerConfiguration(Object.fromEntries(Object.entries(many).slice(1))).ok).toBe(true);
    });

    it('more than 256 KiB, as text or as an object', () => {
      const big = { contacts: { ...hubSpotContacts, body: { padding: 'x'.repeat(256 * 1024) } } };
      expect(problemsOf(parsePollerConfiguration(big))).toEqual(['event.poller.configuration is larger than 256 KiB']);
      expect(problemsOf(parsePollerConfiguration(JSON.stringify(big)))).toEqual(['event.poller.configuration is larger than 256 KiB']);
    });
  });

  describe('properties', () => {
    const check = (value: unknown) => {
      const result = parsePollerConfiguration(value);
      if (result.ok) {
        // What it accepts, it accepts again (also as text), unchanged.
        expect(parsePollerConfiguration(JSON.stringify(result.configuration))).toEqual(result);
      } else {
        expect(result.problems.length).toBeGreaterThan(0);
        for (const problem of result.problems) expect(typeof problem).toBe('string');
      }
    };

    it('any JSON value or text gives a configuration or problems, never an exception', () => {
      fc.assert(fc.property(fc.oneof(fc.jsonValue({ maxDepth: 5 }), fc.json({ maxDepth: 5 }), fc.string({ maxLength: 100 })), check), { numRuns: 300 });
    }, PROPERTY_TIMEOUT_MS);

    it('mutated documented configurations give a configuration or problems', () => {
      const template = {
        customers: { ...quickBooksCustomers, url: fc.constantFrom(quickBooksCustomers.url, '/x?s=${gmtDate:yyyy Q}', '/{realmId}/${epoch:s}', '${') },
        contacts: hubSpotContacts,
        other: openConnectorsContacts,
      };
      fc.assert(fc.property(arbitraryMutation(template), check), { numRuns: 300 });
    }, PROPERTY_TIMEOUT_MS);
  });
});
