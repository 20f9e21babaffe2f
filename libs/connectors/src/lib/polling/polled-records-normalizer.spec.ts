import { arbitraryMutation, expectSchemaValid, onlyConnectorErrors, present } from '@connector-events/testing';
import fc from 'fast-check';
import { ConnectorDescriptor } from '../core/connector-descriptor';
import { ConnectorError } from '../core/connector-error';
import { EventObjectFactory } from '../events/event-object-factory';
import { readPath } from '../webhooks/webhook-json';
import { JavaDateFormat } from './java-date-format';
import { javaTimeZone } from './java-time-zone';
import { MAX_POLLED_RECORDS, PolledRecordsInput, normalizePolledRecords } from './polled-records-normalizer';
import { PollerResourceConfiguration } from './poller-resource-configuration';

/** Property runs take seconds; a machine busy with other suites must not turn them into timeouts. */
const PROPERTY_TIMEOUT_MS = 60_000;

const descriptor = (elementKey: string, hubKey: string): ConnectorDescriptor => ({
  elementKey,
  aliases: [],
  displayName: elementKey,
  hubKey,
  eventsMethods: ['polling'],
  objects: [],
});
const HUBSPOT = descriptor('hubspot', 'crm');
const since = new Date('2024-01-01T10:00:00.000Z');
const pollDate = new Date('2024-01-01T10:15:00.000Z');

const hubSpotSearch: PollerResourceConfiguration = {
  url: '/crm/v3/objects/contacts/search',
  method: 'POST',
  recordsPath: 'results',
  idField: 'id',
  datesConfiguration: {
    updatedDateField: 'updatedAt',
    updatedDateFormat: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
    createdDateField: 'createdAt',
    createdDateFormat: "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
  },
  createdCheckTolerance: 1,
  pollDelay: 60,
};

/** A CRM search result as HubSpot documents it. */
function hubSpotRecord(id: string, createdAt: string, updatedAt: string, properties: Record<string, unknown> = {}) {
  return {
    id,
    properties: { createdate: createdAt, hs_object_id: id, lastmodifieddate: updatedAt, ...properties },
    createdAt,
    updatedAt,
    archived: false,
  };
}

const normalize = (input: Partial<PolledRecordsInput> & Pick<PolledRecordsInput, 'records'>) =>
  normalizePolledRecords({ descriptor: HUBSPOT, objectType: 'contacts', configuration: hubSpotSearch, since, pollDate, ...input } as PolledRecordsInput);

function failure(call: () => unknown): ConnectorError {
  try {
    call();
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error('expected a ConnectorError');
}

describe('normalizePolledRecords', () => {
  describe('HubSpot search results', () => {
    const created = hubSpotRecord('512', '2024-01-01T10:05:00.000Z', '2024-01-01T10:05:00.800Z', { email: 'bh@hubspot.com', firstname: 'Brian' });
    const changed = hubSpotRecord('513', '2023-06-01T08:00:00.000Z', '2024-01-01T10:07:30.123Z', { email: 'coolrobot@hubspot.com' });
    const unchanged = hubSpotRecord('514', '2023-06-01T08:00:00.000Z', '2024-01-01T09:59:59.999Z');
    const atSince = hubSpotRecord('515', '2023-06-01T08:00:00.000Z', '2024-01-01T10:00:00.000Z');

    it('reports creations and updates after since, skipping what an earlier poll saw', () => {
      const result = normalize({ records: [created, changed, unchanged, atSince] });
      expect(result.events).toEqual([
        {
          objectType: 'contacts',
          objectId: '512',
          eventType: 'CREATED',
          elementKey: 'hubspot',
          hubKey: 'crm',
          date: '2024-01-01T10:05:00.800Z',
          pollDate: '2024-01-01T10:15:00.000Z',
        },
        expect.objectContaining({ objectId: '513', eventType: 'UPDATED', date: '2024-01-01T10:07:30.123Z', pollDate: '2024-01-01T10:15:00.000Z' }),
      ]);
      expectSchemaValid(result.events);
      expect(result.raw).toEqual({ contacts: [created, changed], pollDate: 1704104100000, objectType: 'contacts' });
      expect(result.latestUpdatedDate?.toISOString()).toBe('2024-01-01T10:07:30.123Z');
    });

    it('names companies from properties.name', () => {
      const company = hubSpotRecord('9001', '2024-01-01T10:01:00.000Z', '2024-01-01T10:01:00.000Z', { name: 'HubSpot', domain: 'hubspot.com' });
      expect(normalize({ objectType: 'companies', records: [company] }).events).toEqual([
        expect.objectContaining({ objectType: 'companies', objectId: '9001', eventType: 'CREATED', name: 'HubSpot' }),
      ]);
    });

    it('reads legacy millisecond properties', () => {
      const configuration: PollerResourceConfiguration = {
        ...hubSpotSearch,
        idField: 'vid',
        datesConfiguration: { updatedDateField: 'properties.lastmodifieddate.value', updatedDateFormat: 'milliseconds', createdDateField: 'properties.createdate.value' },
      };
      const legacy = { vid: 61, properties: { lastmodifieddate: { value: '1704103500000' }, createdate: { value: '1704103500000' } } };
      expect(normalize({ configuration, records: [legacy] }).events).toEqual([
        expect.objectContaining({ objectId: '61', eventType: 'CREATED', date: '2024-01-01T10:05:00.000Z' }),
      ]);
    });
  });

  describe('QuickBooks change data capture', () => {
    const INTUIT = "yyyy-MM-dd'T'HH:mm:ssXXX";
    const configuration: PollerResourceConfiguration = {
      url: "/v3/company/{realmId}/cdc?entities=Customer&changedSince=${gmtDate:yyyy-MM-dd'T'HH:mm:ssXXX}",
      idField: 'Id',
      recordsPath: 'CDCResponse.0.QueryResponse.0.Customer',
      datesConfiguration: { updatedDateField: 'MetaData.LastUpdatedTime', updatedDateFormat: INTUIT, createdDateField: 'MetaData.CreateTime', createdDateFormat: INTUIT },
      deleted: { field: 'status', value: 'Deleted' },
    };
    const answer = {
      CDCResponse: [
        {
          QueryResponse: [
            {
              Customer: [
                {
                  domain: 'QBO',
                  sparse: false,
                  Id: '58',
                  SyncToken: '0',
                  MetaData: { CreateTime: '2024-01-01T02:05:00-08:00', LastUpdatedTime: '2024-01-01T02:05:04-08:00' },
                  DisplayName: "Amy's Bird Sanctuary",
                  Active: true,
                },
                {
                  domain: 'QBO',
                  Id: '12',
                  SyncToken: '3',
                  MetaData: { CreateTime: '2023-11-05T09:00:00-08:00', LastUpdatedTime: '2024-01-01T02:06:00-08:00' },
                  DisplayName: 'Bill Lucchini',
                  Name: 'Bill Lucchini',
                },
                { domain: 'QBO', status: 'Deleted', Id: '2', MetaData: { LastUpdatedTime: '2024-01-01T02:07:00-08:00' } },
                { domain: 'QBO', status: 'Deleted', Id: '3', MetaData: { LastUpdatedTime: '2024-01-01T01:07:00-08:00' } },
              ],
              startPosition: 1,
              maxResults: 4,
            },
          ],
        },
      ],
      time: '2024-01-01T02:15:00.000-08:00',
    };

    it('reads creations (within the default 10 s), updates and deletions, offsets included', () => {
      const records = readPath(answer, present(configuration.recordsPath)) as unknown[];
      const result = normalizePolledRecords({ descriptor: descriptor('quickbooks', 'finance'), objectType: 'customers', records, configuration, since, pollDate });
      expect(result.events.map(({ objectId, eventType, date, name }) => ({ objectId, eventType, date, name }))).toEqual([
        { objectId: '58', eventType: 'CREATED', date: '2024-01-01T10:05:04.000Z', name: undefined },
        { objectId: '12', eventType: 'UPDATED', date: '2024-01-01T10:06:00.000Z', name: 'Bill Lucchini' },
        { objectId: '2', eventType: 'DELETED', date: '2024-01-01T10:07:00.000Z', name: undefined },
      ]);
      expect(result.events.every((event) => event.elementKey === 'quickbooks' && event.hubKey === 'finance')).toBe(true);
      expect(result.raw['customers']).toHaveLength(3);
    });
  });

  describe('Salesforce queryAll', () => {
    const FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSZ";
    const configuration: PollerResourceConfiguration = {
      url: '/services/data/v60.0/queryAll?q=…',
      idField: 'Id',
      recordsPath: 'records',
      datesConfiguration: { updatedDateField: 'SystemModstamp', updatedDateFormat: FORMAT, createdDateField: 'CreatedDate', createdDateFormat: FORMAT },
      deleted: { field: 'IsDeleted', value: true },
    };
    const account = (id: string, name: string, created: string, modstamp: string, isDeleted: unknown) => ({
      attributes: { type: 'Account', url: `/services/data/v60.0/sobjects/Account/${id}` },
      Id: id,
      Name: name,
      CreatedDate: created,
      SystemModstamp: modstamp,
      IsDeleted: isDeleted,
    });

    it('reads SystemModstamp with +0000 and IsDeleted', () => {
      const records = [
        account('001Dn00000BtG4zIAF', 'Edge Communications', '2024-01-01T10:01:00.000+0000', '2024-01-01T10:01:00.000+0000', false),
        account('001Dn00000BtG50IAF', 'Burlington Textiles', '2023-01-01T00:00:00.000+0000', '2024-01-01T10:02:00.000+0000', false),
        account('001Dn00000BtG51IAF', 'Pyramid Construction', '2023-01-01T00:00:00.000+0000', '2024-01-01T10:03:00.000+0000', true),
        // A provider that writes the flag as text still means it.
        account('001Dn00000BtG52IAF', 'Dickenson plc', '2023-01-01T00:00:00.000+0000', '2024-01-01T10:04:00.000+0000', 'true'),
      ];
      const result = normalizePolledRecords({ descriptor: descriptor('sfdc', 'crm'), objectType: 'Account', records, configuration, since, pollDate });
      expect(result.events.map((event) => [event.objectId, event.eventType, event.name, event.date])).toEqual([
        ['001Dn00000BtG4zIAF', 'CREATED', 'Edge Communications', '2024-01-01T10:01:00.000Z'],
        ['001Dn00000BtG50IAF', 'UPDATED', 'Burlington Textiles', '2024-01-01T10:02:00.000Z'],
        ['001Dn00000BtG51IAF', 'DELETED', 'Pyramid Construction', '2024-01-01T10:03:00.000Z'],
        ['001Dn00000BtG52IAF', 'DELETED', 'Dickenson plc', '2024-01-01T10:04:00.000Z'],
      ]);
    });
  });

  describe('change detection rules', () => {
    const at = (updatedAt: string, createdAt?: string) => ({ id: updatedAt, updatedAt, createdAt });
    const withConfiguration = (change: Partial<PollerResourceConfiguration>) => ({ ...hubSpotSearch, ...change });

    it('uses a 10 s tolerance when none is configured, and 0 s exactly', () => {
      const records = [at('2024-01-01T10:00:10.000Z', '2024-01-01T10:00:00.000Z'), at('2024-01-01T10:00:10.001Z', '2024-01-01T10:00:00.000Z')];
      const types = (configuration: PollerResourceConfiguration) => normalize({ configuration, records }).events.map((event) => event.eventType);
      expect(types(withConfiguration({ createdCheckTolerance: undefined }))).toEqual(['CREATED', 'UPDATED']);
      expect(types(withConfiguration({ createdCheckTolerance: 0 }))).toEqual(['UPDATED', 'UPDATED']);
      const same = [at('2024-01-01T10:00:10.000Z', '2024-01-01T10:00:10.000Z')];
      expect(normalize({ configuration: withConfiguration({ createdCheckTolerance: 0 }), records: same }).events[0]?.eventType).toBe('CREATED');
    });

    it('without a created date, or one it cannot read, a change is an update', () => {
      const records = [at('2024-01-01T10:05:00.000Z'), at('2024-01-01T10:06:00.000Z', 'last tuesday')];
      expect(normalize({ records }).events.map((event) => event.eventType)).toEqual(['UPDATED', 'UPDATED']);
      const noCreatedField = withConfiguration({ datesConfiguration: { updatedDateField: 'updatedAt' } });
      expect(normalize({ configuration: noCreatedField, records: [at('2024-01-01T10:05:00.000Z', '2024-01-01T10:05:00.000Z')] }).events[0]?.eventType).toBe('UPDATED');
    });

    it('keeps a record whose updated date cannot be read, as an update dated pollDate', () => {
      const records = [{ id: 'a', updatedAt: 'not a date' }, { id: 'b' }, { id: 'c', updatedAt: null }];
      const result = normalize({ records });
      expect(result.events.map((event) => [event.objectId, event.eventType, event.date])).toEqual([
        ['a', 'UPDATED', pollDate.toISOString()],
        ['b', 'UPDATED', pollDate.toISOString()],
        ['c', 'UPDATED', pollDate.toISOString()],
      ]);
      expect(result.latestUpdatedDate).toBeUndefined();
    });

    it('reports old records too when filterByUpdatedDate is false', () => {
      const records = [at('2023-01-01T00:00:00.000Z'), at('2024-01-01T10:05:00.000Z')];
      expect(normalize({ configuration: withConfiguration({ filterByUpdatedDate: false }), records }).events).toHaveLength(2);
      expect(normalize({ records }).events).toHaveLength(1);
    });

    it('reads wall-clock dates in the configured zone; created dates follow the updated format and zone', () => {
      const configuration = withConfiguration({
        datesConfiguration: { updatedDateField: 'update_time', updatedDateFormat: 'yyyy-MM-dd HH:mm:ss', updatedDateTimezone: 'America/Denver', createdDateField: 'add_time' },
      });
      const record = { id: 7, update_time: '2024-01-01 03:05:00', add_time: '2024-01-01 03:05:00' };
      expect(normalize({ configuration, records: [record] }).events).toEqual([expect.objectContaining({ objectId: '7', eventType: 'CREATED', date: '2024-01-01T10:05:00.000Z' })]);
    });

    it('skips what is not a record or has no id', () => {
      const records = [null, 'text', 42, [], [{ id: 'x' }], {}, { id: null }, { id: '' }, { id: '   ' }, { id: {} }, { id: Number.NaN }, { id: 1234, updatedAt: '2024-01-01T10:05:00.000Z' }];
      expect(normalize({ records }).events.map((event) => event.objectId)).toEqual(['1234']);
    });

    it('accepts a factory instead of a descriptor', () => {
      const factory = new EventObjectFactory(descriptor('quickbooks', 'finance'));
      const result = normalizePolledRecords({ factory, objectType: 'invoices', records: [at('2024-01-01T10:05:00.000Z')], configuration: hubSpotSearch, since, pollDate });
      expect(result.events[0]).toMatchObject({ elementKey: 'quickbooks', hubKey: 'finance', objectType: 'invoices' });
      expect(result.raw).toMatchObject({ objectType: 'invoices', invoices: [expect.anything()] });
    });
  });

  describe('refuses unusable input with configuration_invalid', () => {
    it.each([
      ['an empty objectType', { objectType: '' }, 'objectType'],
      ['objectType pollDate', { objectType: 'pollDate' }, 'objectType'],
      ['an invalid since', { since: new Date(Number.NaN) }, 'since'],
      ['a pollDate that is no date', { pollDate: 'yesterday' }, 'pollDate'],
      ['no idField', { configuration: { ...hubSpotSearch, idField: '' } }, 'idField'],
      ['an unsupported format', { configuration: { ...hubSpotSearch, datesConfiguration: { updatedDateField: 'u', updatedDateFormat: 'yyyy Q' } } }, 'the letter "Q"'],
      ['an unknown zone', { configuration: { ...hubSpotSearch, datesConfiguration: { updatedDateField: 'u', createdDateField: 'c', createdDateTimezone: 'Nowhere' } } }, 'Nowhere'],
      ['a deleted marker without a field', { configuration: { ...hubSpotSearch, deleted: { value: true } } }, 'deleted'],
    ])('%s', (_name, change, message) => {
      const error = failure(() => normalize({ records: [], ...(change as Partial<PolledRecordsInput>) }));
      expect(error).toMatchObject({ code: 'configuration_invalid', status: 400 });
      expect(error.message).toContain(message);
    });

    it(`a page of more than ${MAX_POLLED_RECORDS} records, as a provider answer error`, () => {
      const error = failure(() => normalize({ records: new Array(MAX_POLLED_RECORDS + 1).fill({}) }));
      expect(error).toMatchObject({ code: 'provider_response_invalid' });
      expect(normalize({ records: new Array(MAX_POLLED_RECORDS).fill({}) }).events).toEqual([]);
    });
  });

  describe('properties', () => {
    const junkConfiguration = arbitraryMutation({
      ...hubSpotSearch,
      idField: fc.constantFrom('id', 'Id', 'properties.hs_object_id', 'a.0.b', ''),
      filterByUpdatedDate: fc.boolean(),
      createdCheckTolerance: fc.integer({ min: 0, max: 100 }),
      datesConfiguration: {
        updatedDateField: fc.constantFrom('updatedAt', 'properties.lastmodifieddate', 'MetaData.LastUpdatedTime'),
        updatedDateFormat: fc.constantFrom("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", 'milliseconds', "yyyy-MM-dd'T'HH:mm:ss.SSSZ", 'yyyy Q'),
        updatedDateTimezone: fc.constantFrom('GMT', 'America/New_York', 'Nowhere'),
        createdDateField: fc.constantFrom('createdAt', 'CreatedDate'),
      },
      deleted: { field: fc.constantFrom('status', 'IsDeleted', 'archived'), value: fc.constantFrom('Deleted', true, false) },
    });
    const record = fc.oneof(
      arbitraryMutation(hubSpotRecord(fc.string({ maxLength: 5 }) as unknown as string, '2024-01-01T10:05:00.000Z', '2024-01-01T10:06:00.000Z')),
      arbitraryMutation({ Id: fc.integer(), status: fc.constantFrom('Deleted', 'Active'), MetaData: { LastUpdatedTime: fc.constantFrom('2024-01-01T02:07:00-08:00', '2023-01-01T00:00:00Z', 'garbage') } }),
      fc.jsonValue({ maxDepth: 3 }),
    );
    const dates = fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true });

    it('random records and configurations: only ConnectorErrors, only schema-valid events carrying pollDate', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(record, { maxLength: 8 }), junkConfiguration, dates, fc.string({ minLength: 1, maxLength: 20 }), async (records, configuration, pollTime, objectType) => {
          const result = await onlyConnectorErrors(() =>
            normalize({ records, configuration: configuration as PollerResourceConfiguration, pollDate: pollTime, objectType }),
          );
          if (!result) return;
          expectSchemaValid(result.events);
          for (const event of result.events) expect(event.pollDate).toBe(pollTime.toISOString());
          expect(result.raw['objectType']).toBe(objectType);
          expect(result.raw['pollDate']).toBe(pollTime.getTime());
          expect(result.raw[objectType]).toHaveLength(result.events.length);
        }),
        { numRuns: 400 },
      );
    }, PROPERTY_TIMEOUT_MS);

    it('with filtering on, exactly the records updated after since become events, each classified by the tolerance', () => {
      const formats = fc.constantFrom(
        "yyyy-MM-dd'T'HH:mm:ss.SSSXXX",
        "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
        "yyyy-MM-dd'T'HH:mm:ssXXX",
        "yyyy-MM-dd'T'HH:mm:ss'Z'",
        'milliseconds',
        'EEE, dd MMM yyyy hh:mm:ss a z',
      );
      // Whole seconds in a narrow window, so that formats without milliseconds lose nothing and
      // records often sit exactly at since.
      const instant = fc.integer({ min: 1_700_000_000, max: 1_700_000_060 }).map((seconds) => new Date(seconds * 1000));
      const generated = fc.array(fc.record({ updated: instant, created: fc.option(instant, { nil: undefined }), deleted: fc.boolean() }), { maxLength: 20 });
      fc.assert(
        fc.property(generated, formats, fc.constantFrom('GMT', 'America/New_York', 'GMT+05:30'), instant, fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 3000 })), fc.nat(30), (rows, format, zoneId, sinceTime, jitter, tolerance) => {
          const cut = new Date(sinceTime.getTime() + jitter);
          const zone = javaTimeZone(zoneId);
          const write = (date: Date) => JavaDateFormat.of(format).format(date, zone);
          const records = rows.map((row, index) => ({
            key: `r${index}`,
            modified: write(row.updated),
            ...(row.created ? { added: write(row.created) } : {}),
            removed: row.deleted,
          }));
          const configuration: PollerResourceConfiguration = {
            url: '/x',
            idField: 'key',
            datesConfiguration: { updatedDateField: 'modified', updatedDateFormat: format, updatedDateTimezone: zoneId, createdDateField: 'added' },
            createdCheckTolerance: tolerance,
            deleted: { field: 'removed', value: true },
          };
          const result = normalize({ records, configuration, since: cut });
          const expected = rows.flatMap((row, index) => {
            if (row.updated.getTime() <= cut.getTime()) return [];
            const eventType = row.deleted ? 'DELETED' : row.created && Math.abs(row.updated.getTime() - row.created.getTime()) <= tolerance * 1000 ? 'CREATED' : 'UPDATED';
            return [{ objectId: `r${index}`, eventType, date: row.updated.toISOString() }];
          });
          expect(result.events.map(({ objectId, eventType, date }) => ({ objectId, eventType, date }))).toEqual(expected);
          const newest = rows.reduce<number | undefined>((max, row) => Math.max(max ?? row.updated.getTime(), row.updated.getTime()), undefined);
          expect(result.latestUpdatedDate?.getTime()).toBe(newest);
        }),
        { numRuns: 300 },
      );
    }, PROPERTY_TIMEOUT_MS);
  });
});
