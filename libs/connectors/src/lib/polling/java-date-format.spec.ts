import fc from 'fast-check';
import { ConnectorError } from '../core/connector-error';
import { EPOCH_MILLISECONDS_FORMAT, JavaDateFormat } from './java-date-format';
import { GMT_ZONE, UTC_ZONE, findJavaTimeZone, javaTimeZone } from './java-time-zone';

/** Property runs take seconds; a machine busy with other suites must not turn them into timeouts. */
const PROPERTY_TIMEOUT_MS = 60_000;

const at = (iso: string) => new Date(iso);
const format = (pattern: string, date: Date, zone = 'UTC') => JavaDateFormat.of(pattern).format(date, javaTimeZone(zone));
const parse = (pattern: string, text: string, zone = 'UTC') => JavaDateFormat.of(pattern).parse(text, javaTimeZone(zone))?.toISOString();

describe('JavaDateFormat', () => {
  describe('formats like SimpleDateFormat', () => {
    const newYear = at('2024-01-01T00:00:00.000Z');

    it('writes the provider formats of the adapters', () => {
      // Salesforce dateTime fields and SOQL literals.
      expect(format("yyyy-MM-dd'T'HH:mm:ss.SSSZ", newYear)).toBe('2024-01-01T00:00:00.000+0000');
      expect(format("yyyy-MM-dd'T'HH:mm:ss'Z'", at('2024-03-05T07:08:09.010Z'))).toBe('2024-03-05T07:08:09Z');
      // Intuit MetaData times and HubSpot search dates.
      expect(format("yyyy-MM-dd'T'HH:mm:ssXXX", newYear)).toBe('2024-01-01T00:00:00Z');
      expect(format("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", at('2024-01-01T00:00:00.007Z'))).toBe('2024-01-01T00:00:00.007Z');
      expect(format("yyyy-MM-dd'T'HH:mm:ssXXX", newYear, 'America/Los_Angeles')).toBe('2023-12-31T16:00:00-08:00');
    });

    it('writes the time of the configured zone, with DST', () => {
      expect(format("yyyy-MM-dd'T'HH:mm:ss.SSSZ", newYear, 'America/New_York')).toBe('2023-12-31T19:00:00.000-0500');
      expect(format('yyyy-MM-dd HH:mm:ss Z', at('2024-07-01T12:00:00Z'), 'America/New_York')).toBe('2024-07-01 08:00:00 -0400');
      // Java's EST is a fixed -05:00, also in summer; PST is Los Angeles, with DST.
      expect(format('HH:mm XXX', at('2024-07-01T12:00:00Z'), 'EST')).toBe('07:00 -05:00');
      expect(format('HH:mm XXX', at('2024-07-01T12:00:00Z'), 'PST')).toBe('05:00 -07:00');
    });

    it('writes every supported letter', () => {
      const date = at('2024-03-05T15:04:05.006Z');
      expect(format('y yy yyyy M MM MMM MMMM d dd', date)).toBe('2024 24 2024 3 03 Mar March 5 05');
      expect(format('H HH h hh a m mm s ss S SS SSS', date)).toBe('15 15 3 03 PM 4 04 5 05 6 06 006');
      expect(format('E EEE EEEE', date)).toBe('Tue Tue Tuesday');
      expect(format('hh a', at('2024-03-05T00:30:00Z'))).toBe('12 AM');
      expect(format('hh a', at('2024-03-05T12:30:00Z'))).toBe('12 PM');
    });

    it('writes zones as z, Z, X, XX and XXX do', () => {
      const date = at('2024-01-01T12:00:00Z');
      expect(format('z|Z|X|XX|XXX', date, 'GMT+05:30')).toBe('GMT+05:30|+0530|+05|+0530|+05:30');
      expect(format('z|Z|X|XX|XXX', date, 'UTC')).toBe('UTC|+0000|Z|Z|Z');
      expect(format('z', date, 'GMT')).toBe('GMT');
      expect(format('z|zzzz', date, 'America/New_York')).toBe('EST|Eastern Standard Time');
      expect(format('EEE, dd MMM yyyy HH:mm:ss z', date, 'GMT')).toBe('Mon, 01 Jan 2024 12:00:00 GMT');
    });

    it('keeps quoted text and doubled quotes literal', () => {
      expect(format("h 'o''clock' a", at('2024-01-01T15:00:00Z'))).toBe("3 o'clock PM");
      expect(format("''yyyy''", newYear)).toBe("'2024'");
      expect(format("'at' HH'h'mm", newYear)).toBe('at 00h00');
    });

    it('writes more than three S as a fraction of a second, not as Java would', () => {
      expect(format('ss.SSSSSS', at('2024-01-01T00:00:01.005Z'))).toBe('01.005000');
      expect(format('ss.S', at('2024-01-01T00:00:01.005Z'))).toBe('01.5');
    });

    it('writes epoch milliseconds for the milliseconds format', () => {
      expect(JavaDateFormat.of(EPOCH_MILLISECONDS_FORMAT).format(newYear)).toBe('1704067200000');
    });
  });

  describe('parses', () => {
    it('reads documented provider dates', () => {
      // Salesforce SystemModstamp.
      expect(parse("yyyy-MM-dd'T'HH:mm:ss.SSSZ", '2024-01-01T00:00:00.000+0000')).toBe('2024-01-01T00:00:00.000Z');
      // Intuit MetaData.LastUpdatedTime (the QuickBooks CDC example).
      expect(parse("yyyy-MM-dd'T'HH:mm:ssXXX", '2015-12-23T12:55:50-08:00')).toBe('2015-12-23T20:55:50.000Z');
      // HubSpot search result updatedAt.
      expect(parse("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", '2019-10-30T03:30:17.883Z')).toBe('2019-10-30T03:30:17.883Z');
      expect(parse('EEE, dd MMM yyyy HH:mm:ss z', 'Mon, 01 Jan 2024 12:00:00 GMT')).toBe('2024-01-01T12:00:00.000Z');
      expect(parse('dd MMMM yyyy hh:mm a', '05 march 2024 03:04 pm')).toBe('2024-03-05T15:04:00.000Z');
    });

    it('reads wall-clock times in the configured zone, DST included', () => {
      expect(parse('yyyy-MM-dd HH:mm:ss', '2024-07-01 12:00:00', 'America/New_York')).toBe('2024-07-01T16:00:00.000Z');
      expect(parse('yyyy-MM-dd HH:mm:ss', '2024-01-01 12:00:00', 'America/New_York')).toBe('2024-01-01T17:00:00.000Z');
      expect(parse('yyyy-MM-dd HH:mm:ss', '2024-01-01 12:00:00', 'GMT+05:30')).toBe('2024-01-01T06:30:00.000Z');
      // An offset in the text wins over the configured zone.
      expect(parse('yyyy-MM-dd HH:mm:ss Z', '2024-01-01 12:00:00 +0100', 'America/New_York')).toBe('2024-01-01T11:00:00.000Z');
      expect(parse('yyyy-MM-dd HH:mm:ss z', '2024-07-01 12:00:00 PDT')).toBe('2024-07-01T19:00:00.000Z');
    });

    it('reads abutting numeric fields by their width', () => {
      expect(parse('yyyyMMddHHmmss', '20240102030405')).toBe('2024-01-02T03:04:05.000Z');
      expect(parse('yyyyMMdd', '202401')).toBeUndefined();
      expect(parse('yyyyMMdd', '2024012')).toBe('2024-01-02T00:00:00.000Z');
    });

    it('reads two-digit years within 80 years back and 20 ahead', () => {
      const thisYear = new Date().getUTCFullYear();
      const twoDigits = (year: number) => String(year % 100).padStart(2, '0');
      expect(parse('yy-MM-dd', `${twoDigits(thisYear)}-01-01`)?.slice(0, 4)).toBe(String(thisYear));
      expect(parse('yy-MM-dd', `${twoDigits(thisYear + 25)}-01-01`)?.slice(0, 4)).toBe(String(thisYear + 25 - 100));
    });

    it('reads more than three S as a fraction (Microsoft Graph writes seven digits)', () => {
      expect(parse("yyyy-MM-dd'T'HH:mm:ss.SSSSSSS'Z'", '2024-01-01T10:00:00.1234567Z')).toBe('2024-01-01T10:00:00.123Z');
      // Up to three digits stay milliseconds, as in Java.
      expect(parse('ss.S', '01.5')).toBe('1970-01-01T00:00:01.005Z');
    });

    it('falls back to plain ISO 8601 when the pattern does not match', () => {
      // Java would ignore the trailing offset and be two hours off.
      expect(parse("yyyy-MM-dd'T'HH:mm:ss", '2024-01-01T10:00:00+02:00')).toBe('2024-01-01T08:00:00.000Z');
      expect(parse("yyyy-MM-dd'T'HH:mm:ss'Z'", '2024-01-01T10:00:00.1234567Z')).toBe('2024-01-01T10:00:00.123Z');
      expect(parse('dd/MM/yyyy', '2024-01-01', 'GMT-03:00')).toBe('2024-01-01T03:00:00.000Z');
      expect(parse(EPOCH_MILLISECONDS_FORMAT, '2024-01-01T00:00:00Z')).toBe('2024-01-01T00:00:00.000Z');
    });

    it('reads epoch milliseconds as text or as a number', () => {
      const ms = JavaDateFormat.of(EPOCH_MILLISECONDS_FORMAT);
      expect(ms.parse('1704067200000')?.toISOString()).toBe('2024-01-01T00:00:00.000Z');
      expect(ms.read(1704067200000)?.toISOString()).toBe('2024-01-01T00:00:00.000Z');
      // A JSON number is never a formatted date, whatever the pattern.
      expect(JavaDateFormat.of("yyyy-MM-dd'T'HH:mm:ssXXX").read(1704067200000)?.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    });

    it('refuses what is not a date in range', () => {
      const iso = JavaDateFormat.of("yyyy-MM-dd'T'HH:mm:ssXXX");
      for (const text of ['2024-02-30T00:00:00Z', '2024-13-01T00:00:00Z', '2024-01-01T24:00:00Z', '2024-01-01T00:60:00Z', '10000-01-01T00:00:00Z', '', 'yesterday', '2024-01-01T00:00:00+25:00']) {
        expect(iso.parse(text)).toBeUndefined();
      }
      for (const value of [null, undefined, true, {}, [], Number.NaN, Number.POSITIVE_INFINITY, 1e20]) {
        expect(iso.read(value)).toBeUndefined();
      }
      expect(parse('hh:mm a', '13:00 PM')).toBeUndefined();
      expect(parse('yyyy-MM-dd', '2023-02-29')).toBeUndefined();
      expect(parse('yyyy-MM-dd', '2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
    });
  });

  describe('refuses patterns it cannot honour, naming why', () => {
    it.each([
      ["yyyy-MM-dd'T'HH:mm:ss.SSSQ", 'the letter "Q"'],
      ['yyyy-MM-dd G', 'the letter "G"'],
      ["yyyy-MM-dd'T", 'quote that is never closed'],
      ['HH:mm XXXX', 'more than three X'],
      ['', 'is empty'],
    ])('%p', (pattern, why) => {
      const error = (() => {
        try {
          return JavaDateFormat.of(pattern);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ code: 'configuration_invalid', status: 400 });
      expect((error as Error).message).toContain(why);
      expect(JavaDateFormat.problemWith(pattern)).toContain(why);
    });

    it('accepts every pattern the adapters use', () => {
      for (const pattern of ["yyyy-MM-dd'T'HH:mm:ssXXX", "yyyy-MM-dd'T'HH:mm:ss.SSSZ", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", 'milliseconds']) {
        expect(JavaDateFormat.problemWith(pattern)).toBeUndefined();
      }
    });
  });

  describe('time zones', () => {
    it('resolves Java ids, custom offsets and regions', () => {
      const july = at('2024-07-01T00:00:00Z').getTime();
      const offsetHours = (id: string) => (findJavaTimeZone(id)?.offsetAt(july) ?? Number.NaN) / 3_600_000;
      expect([undefined, '', 'UTC', 'GMT', 'Z', 'Etc/UTC'].map((id) => findJavaTimeZone(id)?.offsetAt(july))).toEqual([0, 0, 0, 0, 0, 0]);
      expect(offsetHours('GMT+5')).toBe(5);
      expect(offsetHours('GMT-08:00')).toBe(-8);
      expect(offsetHours('UTC+05:30')).toBe(5.5);
      expect(offsetHours('-0330')).toBe(-3.5);
      expect(offsetHours('America/New_York')).toBe(-4);
      expect(offsetHours('MST')).toBe(-7);
      expect(offsetHours('IST')).toBe(5.5);
      expect(findJavaTimeZone('Mars/Olympus_Mons')).toBeUndefined();
      expect(findJavaTimeZone('GMT+24:00')).toBeUndefined();
      expect(() => javaTimeZone('Mars/Olympus_Mons')).toThrow(expect.objectContaining({ code: 'configuration_invalid', message: expect.stringContaining('Mars/Olympus_Mons') }));
      expect(GMT_ZONE.nameAt(july, false)).toBe('GMT');
      expect(UTC_ZONE.nameAt(july, true)).toBe('UTC');
    });
  });

  describe('properties', () => {
    const zones = fc.constantFrom('UTC', 'GMT', 'GMT+05:30', 'GMT-09:45', '+0100', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Europe/Paris', 'EST', 'PST');
    const separator = fc.constantFrom('-', '/', ' ', '.', "'T'", "' at '", ', ');
    const datePart = fc.tuple(
      fc.constantFrom('yyyy', 'y'),
      fc.constantFrom('MM', 'M', 'MMM', 'MMMM'),
      fc.constantFrom('dd', 'd'),
      separator,
      fc.constantFrom(0, 1, 2),
    );
    const timePart = fc.tuple(fc.constantFrom('HH', 'H', 'hh a', 'h a'), fc.constantFrom('mm', 'm'), fc.constantFrom('ss', 's'), fc.constantFrom('SSS', 'S', 'SS', 'SSSS', 'SSSSSSS'));
    // An explicit offset makes every instant round-trip, also inside a DST fold.
    const zonePart = fc.constantFrom('XXX', 'XX', 'Z', 'z', "'['XXX']'");
    const pattern = fc
      .tuple(datePart, timePart, zonePart, fc.boolean(), separator)
      .map(([[year, month, day, sep, order], [hour, minute, second, fraction], zone, weekday, between]) => {
        const date = [[year, month, day], [day, month, year], [month, day, year]][order]?.join(sep) ?? '';
        return `${weekday ? 'EEE ' : ''}${date}${between}${hour.replace(/ a$/, '')}:${minute}:${second}.${fraction}${hour.endsWith(' a') ? ' a' : ''} ${zone}`;
      });
    const dates = fc.date({ min: at('0100-01-01T00:00:00Z'), max: at('9999-12-30T00:00:00Z'), noInvalidDate: true });
    // Before time zones were standardized, regions had offsets with seconds (New York -04:56:02), which no pattern letter writes.
    const modernDates = fc.date({ min: at('1970-01-01T00:00:00Z'), max: at('9999-12-30T00:00:00Z'), noInvalidDate: true });

    it('format then parse gives back the same instant', () => {
      fc.assert(
        fc.property(pattern, modernDates, zones, (text, date, zoneId) => {
          const javaFormat = JavaDateFormat.of(text);
          const zone = javaTimeZone(zoneId);
          const written = javaFormat.format(date, zone);
          const read = javaFormat.parse(written, zone);
          expect(read?.toISOString()).toBe(date.toISOString());
        }),
        { numRuns: 500 },
      );
    }, PROPERTY_TIMEOUT_MS);

    it('wall-clock patterns round-trip in fixed zones, and milliseconds always', () => {
      fc.assert(
        fc.property(dates, fc.constantFrom('UTC', 'GMT+05:30', 'GMT-03:00'), (date, zoneId) => {
          const zone = javaTimeZone(zoneId);
          const wall = JavaDateFormat.of('yyyy-MM-dd HH:mm:ss.SSS');
          expect(wall.parse(wall.format(date, zone), zone)?.getTime()).toBe(date.getTime());
          const ms = JavaDateFormat.of(EPOCH_MILLISECONDS_FORMAT);
          expect(ms.parse(ms.format(date))?.getTime()).toBe(date.getTime());
        }),
      );
    }, PROPERTY_TIMEOUT_MS);

    it('parsing hostile text never throws and yields only dates in range', () => {
      const texts = fc.oneof(
        fc.string({ maxLength: 60 }),
        dates.map((date) => date.toISOString()),
        dates.map((date) => date.toISOString().replace(/\d/g, (digit) => String((Number(digit) * 7) % 10))),
      );
      fc.assert(
        fc.property(fc.constantFrom("yyyy-MM-dd'T'HH:mm:ss.SSSZ", "yyyy-MM-dd'T'HH:mm:ssXXX", 'EEE, d MMM yyyy hh:mm a z', 'yyyyMMddHHmmss', 'milliseconds'), texts, zones, (text, value, zoneId) => {
          const read = JavaDateFormat.of(text).parse(value, javaTimeZone(zoneId));
          if (read) expect(read.toISOString()).toMatch(/^\d{4}-\d{2}-\d{2}T/);
        }),
      );
    }, PROPERTY_TIMEOUT_MS);

    it('compiling any pattern either works or fails with configuration_invalid', () => {
      fc.assert(
        fc.property(fc.string({ maxLength: 40 }), (text) => {
          try {
            JavaDateFormat.of(text).format(new Date(0));
          } catch (error) {
            expect(error).toBeInstanceOf(ConnectorError);
            expect(error).toMatchObject({ code: 'configuration_invalid' });
          }
        }),
      );
    }, PROPERTY_TIMEOUT_MS);
  });
});
