import { connectorErrors } from '../core/connector-errors';

/**
 * A time zone named the way Open Connectors configurations name them (Java `TimeZone` ids):
 * `GMT`/`UTC`, custom offsets (`GMT+05:30`, `UTC-8`, `+0530`), and region or legacy ids
 * (`America/New_York`, `EST`, `PST`), the latter resolved by Intl, whose ICU data carries
 * Java's three-letter aliases (`PST` → America/Los_Angeles, `EST` → a fixed -05:00).
 */
export interface JavaTimeZone {
  readonly id: string;
  /** Milliseconds to add to a UTC instant to get the wall-clock time in this zone. */
  offsetAt(epochMs: number): number;
  /** What pattern letter `z` writes: `UTC`, `GMT+05:30`, `EST`; `zzzz` the long name. */
  nameAt(epochMs: number, long: boolean): string;
}

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** Intl formatters are costly to build; hostile configurations must not grow the cache forever. */
const MAX_CACHED_ZONES = 200;
const cache = new Map<string, JavaTimeZone>();

export const UTC_ZONE: JavaTimeZone = fixedZone('UTC', 0, 'UTC');
export const GMT_ZONE: JavaTimeZone = fixedZone('GMT', 0, 'GMT');

/** The zone named `id` (UTC when absent or blank); an unknown id is a configuration error. */
export function javaTimeZone(id: string | undefined): JavaTimeZone {
  const zone = findJavaTimeZone(id);
  if (!zone) {
    throw connectorErrors.configurationInvalid(
      `unknown time zone "${String(id).slice(0, 60)}"; use GMT, UTC, an offset such as GMT+05:30, or a region such as America/New_York`,
    );
  }
  return zone;
}

export function findJavaTimeZone(id: string | undefined): JavaTimeZone | undefined {
  const name = id?.trim() ?? '';
  if (name === '' || name === 'UTC' || name === 'Z') return UTC_ZONE;
  if (name === 'GMT' || name === 'UT') return GMT_ZONE;
  if (name.length > 64) return undefined;
  const cached = cache.get(name);
  if (cached) return cached;
  const zone = customOffsetZone(name) ?? intlZone(name);
  if (zone && cache.size < MAX_CACHED_ZONES) cache.set(name, zone);
  return zone;
}

/** `+05:30`, `-0800` → a signed offset in ms; used when a date's own text carries an offset. */
export function offsetText(offsetMs: number, style: 'hh' | 'hhmm' | 'hh:mm'): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const minutes = Math.floor(Math.abs(offsetMs) / MINUTE_MS);
  const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
  const mm = String(minutes % 60).padStart(2, '0');
  if (style === 'hh') return `${sign}${hh}`;
  return style === 'hhmm' ? `${sign}${hh}${mm}` : `${sign}${hh}:${mm}`;
}

/** Java's custom ids: `GMT+5`, `GMT+05:30`, `UTC-0800`, and bare `+05:30` / `-0800`. */
function customOffsetZone(name: string): JavaTimeZone | undefined {
  const match = /^(?:(?:GMT|UTC|UT)\s*)?([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(name);
  if (!match) return undefined;
  const hours = Number(match[2]);
  const minutes = Number(match[3] ?? '0');
  if (hours > 23 || minutes > 59) return undefined;
  const offset = (match[1] === '-' ? -1 : 1) * (hours * HOUR_MS + minutes * MINUTE_MS);
  return fixedZone(name, offset, `GMT${offsetText(offset, 'hh:mm')}`);
}

function fixedZone(id: string, offsetMs: number, name: string): JavaTimeZone {
  return { id, offsetAt: () => offsetMs, nameAt: () => name };
}

function intlZone(id: string): JavaTimeZone | undefined {
  let wallClock: Intl.DateTimeFormat;
  try {
    wallClock = new Intl.DateTimeFormat('en-US', {
      timeZone: id,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
  const names = { short: zoneNames(id, 'short'), long: zoneNames(id, 'long') };
  return {
    id,
    offsetAt(epochMs) {
      const whole = Math.floor(epochMs / 1000) * 1000;
      return wallClockMs(wallClock.formatToParts(whole)) - whole;
    },
    nameAt(epochMs, long) {
      const part = (long ? names.long : names.short).formatToParts(epochMs).find((p) => p.type === 'timeZoneName');
      return part?.value ?? id;
    },
  };
}

function zoneNames(id: string, style: 'short' | 'long'): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', { timeZone: id, timeZoneName: style });
}

/** The wall-clock fields Intl wrote, read back as if they were UTC. */
function wallClockMs(parts: Intl.DateTimeFormatPart[]): number {
  const field = (type: Intl.DateTimeFormatPartTypes): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const era = parts.find((p) => p.type === 'era')?.value ?? 'AD';
  const yearOfEra = field('year');
  const year = era.startsWith('B') ? 1 - yearOfEra : yearOfEra;
  // Some ICU versions write midnight as 24 even with h23.
  const hour = field('hour') % 24;
  return utcMs(year, field('month'), field('day'), hour, field('minute'), field('second'), 0);
}

/** Like `Date.UTC`, but years 0-99 stay years 0-99 instead of becoming 1900-1999. */
export function utcMs(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

/** The instant at which the wall clock of `zone` shows `wallMs` (read as UTC fields). */
export function instantOfWallClock(wallMs: number, zone: JavaTimeZone): number {
  // Two passes settle on the offset in force at the result, also next to DST changes.
  const first = wallMs - zone.offsetAt(wallMs);
  return wallMs - zone.offsetAt(first);
}
