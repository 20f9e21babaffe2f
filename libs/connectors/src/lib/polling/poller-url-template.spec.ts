import fc from 'fast-check';
import { ConnectorError } from '../core/connector-error';
import { PollerTemplateContext, expandPollerBody, expandPollerUrl, pollerBodyProblems, pollerTemplateProblems } from './poller-url-template';

/** Property runs take seconds; a machine busy with other suites must not turn them into timeouts. */
const PROPERTY_TIMEOUT_MS = 60_000;

const since = new Date('2024-01-01T10:00:00.000Z');
const context: PollerTemplateContext = {
  since,
  now: new Date('2024-01-01T10:15:30.250Z'),
  providerData: { realmId: '9130347596302', portalId: '62515' },
};

function failure(call: () => unknown): ConnectorError {
  try {
    call();
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error('expected a ConnectorError');
}

describe('poller URL templates', () => {
  it('fills the QuickBooks CDC URL: provider data in the path, the GMT date encoded in the query', () => {
    const url = expandPollerUrl("/v3/company/{realmId}/cdc?entities=Customer&changedSince=${gmtDate:yyyy-MM-dd'T'HH:mm:ssXXX}&minorversion=75", context);
    expect(url).toBe('/v3/company/9130347596302/cdc?entities=Customer&changedSince=2024-01-01T10%3A00%3A00Z&minorversion=75');
    expect(new URL(url, 'https://quickbooks.api.intuit.com').searchParams.get('changedSince')).toBe('2024-01-01T10:00:00Z');
  });

  it('encodes the + of a Salesforce offset, so SOQL does not read it as a space', () => {
    const select = encodeURIComponent('SELECT Id, SystemModstamp FROM Account WHERE SystemModstamp > ');
    const url = expandPollerUrl(`/services/data/v60.0/queryAll?q=${select}\${gmtDate:yyyy-MM-dd'T'HH:mm:ss.SSSZ}${encodeURIComponent(' ORDER BY SystemModstamp')}`, context);
    expect(url).toContain('2024-01-01T10%3A00%3A00.000%2B0000');
    expect(new URL(url, 'https://example.my.salesforce.com').searchParams.get('q')).toBe(
      'SELECT Id, SystemModstamp FROM Account WHERE SystemModstamp > 2024-01-01T10:00:00.000+0000 ORDER BY SystemModstamp',
    );
  });

  it('writes every date placeholder', () => {
    const expand = (template: string, timeZone?: string) => decodeURIComponent(expandPollerUrl(template, { ...context, timeZone }));
    expect(expand('${date}')).toBe('2024-01-01T10:00:00.000Z');
    expect(expand("${date:yyyy-MM-dd'T'HH:mm:ssXXX}", 'America/New_York')).toBe('2024-01-01T05:00:00-05:00');
    expect(expand("${gmtDate:yyyy-MM-dd'T'HH:mm:ss'Z'}", 'America/New_York')).toBe('2024-01-01T10:00:00Z');
    expect(expand('${gmtDate:z}')).toBe('GMT');
    expect(expand('${gmtDate:milliseconds}')).toBe('1704103200000');
    expect(expand('${dateTimeZone:America/New_York}')).toBe('2024-01-01T05:00:00.000-05:00');
    expect(expand('${dateTimeZone:America/New_York:yyyy-MM-dd HH:mm}')).toBe('2024-01-01 05:00');
    expect(expand('${dateTimeZone:GMT+05:30:HH:mm XXX}')).toBe('15:30 +05:30');
    expect(expand('${dateTimeZone:EST}')).toBe('2024-01-01T05:00:00.000-05:00');
    expect(expand('${epoch}|${epoch:ms}|${epoch:s}|${epoch:us}')).toBe('1704103200000|1704103200000|1704103200|1704103200000000');
    expect(expand("${now:yyyy-MM-dd'T'HH:mm:ss.SSSXXX}")).toBe('2024-01-01T10:15:30.250Z');
  });

  it('URL-encodes provider data and never expands placeholders inside it', () => {
    const hostile = { ...context, providerData: { realmId: 'a/../b?x=1&y=${epoch}#' } };
    const url = expandPollerUrl('/v3/company/{realmId}/cdc', hostile);
    expect(url).toBe('/v3/company/a%2F..%2Fb%3Fx%3D1%26y%3D%24%7Bepoch%7D%23/cdc');
    expect(decodeURIComponent(url.split('/')[3] ?? '')).toBe('a/../b?x=1&y=${epoch}#');
  });

  it('fills a HubSpot search body without encoding and leaves the template untouched', () => {
    const body = {
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: '${epoch}' }] }],
      sorts: [{ propertyName: 'hs_lastmodifieddate', direction: 'ASCENDING' }],
      properties: ['email', 'firstname'],
      limit: 100,
      after: null,
      note: "since ${gmtDate:yyyy-MM-dd'T'HH:mm:ssXXX} for {portalId}",
    };
    const copy = structuredClone(body);
    expect(expandPollerBody(body, context)).toEqual({
      ...body,
      filterGroups: [{ filters: [{ propertyName: 'hs_lastmodifieddate', operator: 'GTE', value: '1704103200000' }] }],
      note: 'since 2024-01-01T10:00:00Z for 62515',
    });
    expect(body).toEqual(copy);
  });

  it('keeps a __proto__ key of a body as data', () => {
    const body = JSON.parse('{"__proto__": {"polluted": "${epoch}"}, "a": 1}') as Record<string, unknown>;
    const expanded = expandPollerBody(body, context);
    expect(Object.getPrototypeOf(expanded)).toBe(Object.prototype);
    expect(Object.hasOwn(expanded, '__proto__')).toBe(true);
    expect(JSON.stringify(expanded)).toBe('{"__proto__":{"polluted":"1704103200000"},"a":1}');
  });

  describe('refuses, naming the placeholder', () => {
    it.each([
      ['/x?since=${lastPoll}', 'the placeholder ${lastPoll} is unknown'],
      ['/v3/company/{companyId}/cdc', 'the placeholder {companyId} needs providerData.companyId'],
      ["/x?since=${gmtDate:yyyy-MM-dd'T'HH:mm", 'opens a placeholder that is never closed'],
      ['/x?since=${gmtDate:yyyy-MM-dd Q}', 'in ${gmtDate:yyyy-MM-dd Q}: the date format "yyyy-MM-dd Q" uses the letter "Q"'],
      ['/x?since=${epoch:ns}', '${epoch:ns} is not a known epoch unit'],
      ['/x?since=${dateTimeZone:Mars/Olympus_Mons}', 'does not name a known time zone'],
      ['/x?since=${dateTimeZone:}', 'does not name a known time zone'],
    ])('%p', (template, message) => {
      const error = failure(() => expandPollerUrl(template, context));
      expect(error).toMatchObject({ code: 'configuration_invalid', status: 400 });
      expect(error.message).toContain(message);
    });

    it('an empty provider data value counts as missing', () => {
      expect(failure(() => expandPollerUrl('/{realmId}', { ...context, providerData: { realmId: '' } })).message).toContain('providerData.realmId');
    });

    it('a body problem names its path', () => {
      const body = { filterGroups: [{ filters: [{ value: '${since}' }] }] };
      expect(failure(() => expandPollerBody(body, context)).message).toMatch(/^body\.filterGroups\.0\.filters\.0\.value: the placeholder \$\{since\} is unknown/);
      expect(pollerBodyProblems(body)).toEqual([expect.stringContaining('body.filterGroups.0.filters.0.value')]);
    });

    it('a body nested too deep', () => {
      let deep: unknown = '${epoch}';
      for (let i = 0; i < 40; i++) deep = { deeper: deep };
      expect(failure(() => expandPollerBody({ deep }, context)).message).toContain('nested more than 32 levels');
    });

    it('provider data that is not valid text (a lone surrogate) or a path step', () => {
      expect(failure(() => expandPollerUrl('/{realmId}', { ...context, providerData: { realmId: 'a\uD800b' } })).code).toBe('configuration_invalid');
      for (const step of ['.', '..']) {
        expect(failure(() => expandPollerUrl('/v3/company/{realmId}/cdc', { ...context, providerData: { realmId: step } })).message).toContain('change the path');
      }
      expect(expandPollerBody({ realm: '{realmId}' }, { ...context, providerData: { realmId: '..' } })).toEqual({ realm: '..' });
    });

    it('an invalid poll time or time zone', () => {
      expect(failure(() => expandPollerUrl('/x', { ...context, since: new Date(Number.NaN) })).message).toContain('since');
      expect(failure(() => expandPollerUrl('/x', { ...context, timeZone: 'Nowhere/Land' })).message).toContain('Nowhere/Land');
    });
  });

  it('checks templates before any instance exists', () => {
    expect(pollerTemplateProblems("/v3/company/{realmId}/cdc?changedSince=${gmtDate:yyyy-MM-dd'T'HH:mm:ssXXX}")).toEqual([]);
    expect(pollerTemplateProblems('/x?since=${lastPoll}')).toEqual([expect.stringContaining('${lastPoll}')]);
    expect(pollerBodyProblems({ value: '${epoch}' })).toEqual([]);
  });

  describe('properties', () => {
    it('any template either expands or fails with configuration_invalid', () => {
      const piece = fc.oneof(
        fc.string({ maxLength: 10 }),
        fc.constantFrom('${', '}', '{', '{realmId}', '{nope}', '${epoch}', '${gmtDate:', "${date:yyyy-MM-dd'T'HH:mm:ss.SSSZ}", '${dateTimeZone:', 'Europe/Paris', ':', "'"),
      );
      fc.assert(
        fc.property(fc.array(piece, { maxLength: 8 }), fc.date({ noInvalidDate: true, min: new Date('1900-01-01'), max: new Date('2200-01-01') }), (pieces, date) => {
          const template = pieces.join('');
          try {
            const url = expandPollerUrl(template, { ...context, since: date });
            expect(url).not.toContain('${epoch}');
          } catch (error) {
            expect(error).toBeInstanceOf(ConnectorError);
            expect(error).toMatchObject({ code: 'configuration_invalid' });
          }
          const problems = pollerTemplateProblems(template);
          expect(Array.isArray(problems)).toBe(true);
        }),
      );
    }, PROPERTY_TIMEOUT_MS);

    it('provider data always arrives intact after URL decoding', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.constantFrom('...', '.a', 'a.', '%2e%2e', '/', '?', '#')), (value) => {
          fc.pre(value !== '.' && value !== '..');
          const url = expandPollerUrl('/company/{realmId}/cdc?realm={realmId}', { ...context, providerData: { realmId: value } });
          const parsed = new URL(url, 'https://api.example.com');
          expect(parsed.pathname.split('/')).toHaveLength(4);
          expect(decodeURIComponent(parsed.pathname.split('/')[2] ?? '')).toBe(value);
          expect(parsed.searchParams.get('realm')).toBe(value);
        }),
      );
    }, PROPERTY_TIMEOUT_MS);
  });
});
