import { connectorErrors } from '../core/connector-errors';
import { JavaTimeZone, UTC_ZONE, instantOfWallClock, offsetText, utcMs } from './java-time-zone';

/** The Open Connectors format for epoch milliseconds (HubSpot's legacy dates, `${epoch}`). */
export const EPOCH_MILLISECONDS_FORMAT = 'milliseconds';
/** What `${date}` writes when no format is given, and how a record date is read without one. */
export const ISO_8601_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

const SUPPORTED_LETTERS = 'yMdHhmsSaEzZX';
const NUMERIC_LETTERS = 'yMdHhmsS';
const MAX_PATTERN_LENGTH = 256;
const MAX_CACHED_FORMATS = 500;
/** Dates that ISO 8601 and the event schema can carry: years 0000-9999. */
const MIN_INSTANT = -62167219200000;
const MAX_INSTANT = 253402300799999;

const SHORT_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const LONG_DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const SHORT_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
/** Zone abbreviations that `z` reads (Java reads these as their standard or daylight offsets). */
const ZONE_ABBREVIATIONS: Readonly<Record<string, number>> = {
  EST: -5, EDT: -4, CST: -6, CDT: -5, MST: -7, MDT: -6, PST: -8, PDT: -7, AKST: -9, AKDT: -8, HST: -10,
};

type Token = { readonly kind: 'literal'; readonly text: string } | { readonly kind: 'field'; readonly letter: string; readonly count: number };

interface ParsedFields {
  year: number;
  month: number;
  day: number;
  hourOfDay?: number;
  hour12?: number;
  pm?: boolean;
  minute: number;
  second: number;
  ms: number;
  offsetMs?: number;
}

const cache = new Map<string, JavaDateFormat>();

/**
 * A Java `SimpleDateFormat` pattern (letters y M d H h m s S a E z Z X, quoted literals, `''`)
 * or `milliseconds`, as Open Connectors poller configurations write record and query dates.
 *
 * Deliberate differences from Java, because provider data varies:
 * - parsing must consume the whole text and fields must be in range (Java is lenient and
 *   ignores trailing text, which would read `…T10:00:00+02:00` with `…HH:mm:ss` two hours off);
 * - when the pattern does not match, plain ISO 8601 (`2024-01-01T10:00:00.123+02:00`, with any
 *   number of fraction digits) is accepted, and a JSON number is read as epoch milliseconds;
 * - `S` with more than three digits is a decimal fraction: Java reads `.1234567` (Microsoft
 *   Graph) as 1,234,567 ms, twenty minutes off; `SSSSSS` writes milliseconds then zeros;
 * - the offset letters (z, Z, X) each read `Z`, `±hh`, `±hhmm`, `±hh:mm` and `GMT±hh:mm`.
 */
export class JavaDateFormat {
  private constructor(
    readonly pattern: string,
    private readonly tokens: readonly Token[] | 'epoch-ms',
  ) {}

  /** The compiled format; an unsupported pattern is a configuration error that says why. */
  static of(pattern: string): JavaDateFormat {
    const cached = cache.get(pattern);
    if (cached) return cached;
    const compiled = new JavaDateFormat(pattern, pattern === EPOCH_MILLISECONDS_FORMAT ? 'epoch-ms' : compile(pattern));
    if (cache.size < MAX_CACHED_FORMATS) cache.set(pattern, compiled);
    return compiled;
  }

  /** What is wrong with `pattern`, or undefined when it can be used. */
  static problemWith(pattern: string): string | undefined {
    try {
      JavaDateFormat.of(pattern);
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  format(date: Date, zone: JavaTimeZone = UTC_ZONE): string {
    const instant = date.getTime();
    if (!Number.isFinite(instant)) throw connectorErrors.configurationInvalid('cannot format an invalid date');
    if (this.tokens === 'epoch-ms') return String(instant);
    const offset = zone.offsetAt(instant);
    const wall = new Date(instant + offset);
    return this.tokens.map((token) => (token.kind === 'literal' ? token.text : formatField(token, wall, offset, instant, zone))).join('');
  }

  /** The instant `text` stands for, read in `zone` unless it carries its own offset. */
  parse(text: string, zone: JavaTimeZone = UTC_ZONE): Date | undefined {
    const trimmed = text.trim();
    if (trimmed.length === 0 || trimmed.length > 100) return undefined;
    const instant = this.tokens === 'epoch-ms' ? epochMsOf(trimmed) : parseTokens(this.tokens, trimmed, zone);
    return inRange(instant) ?? inRange(parseIso8601(trimmed, zone));
  }

  /** A record's date field: a string in this format (or ISO 8601), or a number of epoch ms. */
  read(value: unknown, zone: JavaTimeZone = UTC_ZONE): Date | undefined {
    if (typeof value === 'number') return Number.isFinite(value) ? inRange(Math.trunc(value)) : undefined;
    return typeof value === 'string' ? this.parse(value, zone) : undefined;
  }
}

function compile(pattern: string): Token[] {
  const problem = (what: string) =>
    connectorErrors.configurationInvalid(`the date format "${pattern.slice(0, 80)}" ${what}`);
  if (pattern.length === 0) throw problem('is empty');
  if (pattern.length > MAX_PATTERN_LENGTH) throw problem(`is longer than ${MAX_PATTERN_LENGTH} characters`);
  const tokens: Token[] = [];
  const literal = (text: string) => {
    const last = tokens.at(-1);
    if (last?.kind === 'literal') tokens[tokens.length - 1] = { kind: 'literal', text: last.text + text };
    else tokens.push({ kind: 'literal', text });
  };
  let i = 0;
  while (i < pattern.length) {
    const char = pattern.charAt(i);
    if (char === "'") {
      if (pattern.charAt(i + 1) === "'") {
        literal("'");
        i += 2;
        continue;
      }
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= pattern.length) throw problem('has a quote that is never closed');
        if (pattern.charAt(j) === "'") {
          if (pattern.charAt(j + 1) !== "'") break;
          text += "'";
          j += 2;
        } else {
          text += pattern.charAt(j);
          j += 1;
        }
      }
      if (text !== '') literal(text);
      i = j + 1;
    } else if (/[A-Za-z]/.test(char)) {
      let count = 1;
      while (pattern.charAt(i + count) === char) count += 1;
      if (!SUPPORTED_LETTERS.includes(char)) {
        throw problem(`uses the letter "${char}", which is not supported; use y M d H h m s S a E z Z X or quote literal text ('T')`);
      }
      if (char === 'X' && count > 3) throw problem('uses more than three X; X, XX and XXX write +hh, +hhmm and +hh:mm');
      tokens.push({ kind: 'field', letter: char, count });
      i += count;
    } else {
      literal(char);
      i += 1;
    }
  }
  return tokens;
}

function formatField(token: { letter: string; count: number }, wall: Date, offset: number, instant: number, zone: JavaTimeZone): string {
  const pad = (value: number, width = token.count) => String(value).padStart(width, '0');
  switch (token.letter) {
    case 'y': {
      // Java writes the year of the era: year 0 is 1 BC.
      const year = wall.getUTCFullYear() > 0 ? wall.getUTCFullYear() : 1 - wall.getUTCFullYear();
      return token.count === 2 ? pad(year % 100) : pad(year);
    }
    case 'M':
      if (token.count >= 4) return LONG_MONTHS[wall.getUTCMonth()] ?? '';
      return token.count === 3 ? (SHORT_MONTHS[wall.getUTCMonth()] ?? '') : pad(wall.getUTCMonth() + 1);
    case 'd':
      return pad(wall.getUTCDate());
    case 'H':
      return pad(wall.getUTCHours());
    case 'h':
      return pad(wall.getUTCHours() % 12 === 0 ? 12 : wall.getUTCHours() % 12);
    case 'm':
      return pad(wall.getUTCMinutes());
    case 's':
      return pad(wall.getUTCSeconds());
    case 'S':
      return token.count <= 3 ? pad(wall.getUTCMilliseconds()) : pad(wall.getUTCMilliseconds(), 3).padEnd(token.count, '0');
    case 'a':
      return wall.getUTCHours() < 12 ? 'AM' : 'PM';
    case 'E':
      return (token.count >= 4 ? LONG_DAYS : SHORT_DAYS)[wall.getUTCDay()] ?? '';
    case 'z':
      return zone.nameAt(instant, token.count >= 4);
    case 'Z':
      return offsetText(offset, 'hhmm');
    default: // X
      if (offset === 0) return 'Z';
      return offsetText(offset, token.count === 1 ? 'hh' : token.count === 2 ? 'hhmm' : 'hh:mm');
  }
}

function parseTokens(tokens: readonly Token[], text: string, zone: JavaTimeZone): number | undefined {
  const fields: ParsedFields = { year: 1970, month: 1, day: 1, minute: 0, second: 0, ms: 0 };
  let pos = 0;
  for (let index = 0; index < tokens.length; index++) {
    const token = tokens[index];
    if (!token) return undefined;
    if (token.kind === 'literal') {
      if (!text.startsWith(token.text, pos)) return undefined;
      pos += token.text.length;
      continue;
    }
    const next = tokens[index + 1];
    const read = readField(token, text, pos, fields, next !== undefined && isNumericField(next));
    if (read === undefined) return undefined;
    pos = read;
  }
  if (pos !== text.length) return undefined;
  return instantOf(fields, zone);
}

function isNumericField(token: Token): boolean {
  return token.kind === 'field' && NUMERIC_LETTERS.includes(token.letter) && !(token.letter === 'M' && token.count >= 3);
}

/** Reads one field at `pos` into `fields`; the position after it, or undefined when it does not match. */
function readField(token: { letter: string; count: number }, text: string, pos: number, fields: ParsedFields, abutting: boolean): number | undefined {
  const { letter, count } = token;
  if (letter === 'a') {
    const marker = text.slice(pos, pos + 2).toUpperCase();
    if (marker !== 'AM' && marker !== 'PM') return undefined;
    fields.pm = marker === 'PM';
    return pos + 2;
  }
  if (letter === 'E') return readName(text, pos, [...LONG_DAYS, ...SHORT_DAYS])?.end;
  if (letter === 'M' && count >= 3) {
    const name = readName(text, pos, [...LONG_MONTHS, ...SHORT_MONTHS]);
    if (!name) return undefined;
    fields.month = (name.index % 12) + 1;
    return name.end;
  }
  if (letter === 'z' || letter === 'Z' || letter === 'X') {
    const offset = readOffset(text, pos, letter === 'z');
    if (!offset) return undefined;
    fields.offsetMs = offset.offsetMs;
    return offset.end;
  }
  // Abutting numeric fields (`yyyyMMdd`) take exactly their width, as in Java.
  const digits = (abutting ? new RegExp(`\\d{${count}}`, 'y') : /\d{1,9}/y);
  digits.lastIndex = pos;
  const match = digits.exec(text);
  if (!match) return undefined;
  const run = match[0];
  const value = Number(run);
  switch (letter) {
    case 'y':
      fields.year = count === 2 && run.length === 2 ? twoDigitYear(value) : value;
      break;
    case 'M':
      fields.month = value;
      break;
    case 'd':
      fields.day = value;
      break;
    case 'H':
      fields.hourOfDay = value;
      break;
    case 'h':
      fields.hour12 = value;
      break;
    case 'm':
      fields.minute = value;
      break;
    case 's':
      fields.second = value;
      break;
    default: // S: up to three digits are milliseconds (Java); more are a decimal fraction.
      fields.ms = run.length <= 3 ? value : Number(run.slice(0, 3));
  }
  return pos + run.length;
}

/** Java's rule for `yy`: the year within 80 years before and 20 years after now. */
function twoDigitYear(value: number): number {
  const start = new Date().getUTCFullYear() - 80;
  const year = Math.floor(start / 100) * 100 + value;
  return year < start ? year + 100 : year;
}

function readName(text: string, pos: number, names: readonly string[]): { index: number; end: number } | undefined {
  // Long names first, so `March` is not read as `Mar` followed by junk.
  const lower = text.slice(pos, pos + 12).toLowerCase();
  let best: { index: number; end: number } | undefined;
  for (const [index, name] of names.entries()) {
    if (lower.startsWith(name.toLowerCase()) && (!best || pos + name.length > best.end)) best = { index, end: pos + name.length };
  }
  return best;
}

function readOffset(text: string, pos: number, names: boolean): { offsetMs: number; end: number } | undefined {
  if (text.charAt(pos) === 'Z') return { offsetMs: 0, end: pos + 1 };
  const pattern = /(?:(GMT|UTC|UT)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?|([+-])(\d{2})(?::?(\d{2}))?)/y;
  pattern.lastIndex = pos;
  const match = pattern.exec(text);
  if (match) {
    const sign = match[2] ?? match[5];
    if (!sign) return { offsetMs: 0, end: pos + match[0].length };
    const hours = Number(match[3] ?? match[6]);
    const minutes = Number(match[4] ?? match[7] ?? '0');
    if (hours > 23 || minutes > 59) return undefined;
    return { offsetMs: (sign === '-' ? -1 : 1) * (hours * 60 + minutes) * 60_000, end: pos + match[0].length };
  }
  if (!names) return undefined;
  const abbreviation = /[A-Z]{3,4}/y;
  abbreviation.lastIndex = pos;
  const name = abbreviation.exec(text)?.[0];
  const hours = name !== undefined && Object.hasOwn(ZONE_ABBREVIATIONS, name) ? ZONE_ABBREVIATIONS[name] : undefined;
  return name !== undefined && hours !== undefined ? { offsetMs: hours * 3_600_000, end: pos + name.length } : undefined;
}

function instantOf(fields: ParsedFields, zone: JavaTimeZone): number | undefined {
  let hour = 0;
  if (fields.hourOfDay !== undefined) hour = fields.hourOfDay;
  else if (fields.hour12 !== undefined) {
    if (fields.hour12 > 12) return undefined;
    hour = (fields.hour12 % 12) + (fields.pm ? 12 : 0);
  }
  const { year, month, day, minute, second, ms } = fields;
  if (year > 9999 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || ms > 999) return undefined;
  const wall = utcMs(year, month, day, hour, minute, second, ms);
  return fields.offsetMs !== undefined ? wall - fields.offsetMs : instantOfWallClock(wall, zone);
}

function daysInMonth(year: number, month: number): number {
  return new Date(utcMs(year, month + 1, 0, 0, 0, 0, 0)).getUTCDate();
}

/** Plain ISO 8601: date, optional time with any fraction, optional offset (else `zone`). */
function parseIso8601(text: string, zone: JavaTimeZone): number | undefined {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?)?$/.exec(text);
  if (!match) return undefined;
  const fields: ParsedFields = {
    year: Number(match[1]),
    month: Number(match[2]),
    day: Number(match[3]),
    hourOfDay: Number(match[4] ?? '0'),
    minute: Number(match[5] ?? '0'),
    second: Number(match[6] ?? '0'),
    ms: Number((match[7] ?? '0').slice(0, 3).padEnd(3, '0')),
  };
  const offset = match[8];
  if (offset !== undefined) {
    const read = readOffset(offset.toUpperCase(), 0, false);
    if (!read) return undefined;
    fields.offsetMs = read.offsetMs;
  }
  return instantOf(fields, zone);
}

function epochMsOf(text: string): number | undefined {
  return /^-?\d{1,16}$/.test(text) ? Number(text) : undefined;
}

function inRange(instant: number | undefined): Date | undefined {
  return instant !== undefined && Number.isFinite(instant) && instant >= MIN_INSTANT && instant <= MAX_INSTANT ? new Date(instant) : undefined;
}
