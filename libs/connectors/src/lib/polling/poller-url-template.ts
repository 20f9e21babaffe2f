import { connectorErrors } from '../core/connector-errors';
import { isConnectorError } from '../core/connector-error';
import { isRecord } from '../webhooks/webhook-json';
import { ISO_8601_FORMAT, JavaDateFormat } from './java-date-format';
import { GMT_ZONE, JavaTimeZone, UTC_ZONE, findJavaTimeZone, javaTimeZone } from './java-time-zone';

/** What the placeholders of one poll request are filled from. */
export interface PollerTemplateContext {
  /** The last poll time minus the resource's `pollDelay`. */
  readonly since: Date;
  /** When this poll runs; `${now:…}` writes it (an upper bound for APIs that need one). */
  readonly now: Date;
  /** The instance's provider data: `{realmId}` is `providerData.realmId`. */
  readonly providerData: Readonly<Record<string, string>>;
  /** The zone `${date:…}` writes in; UTC when absent. */
  readonly timeZone?: string;
}

/**
 * `${…}` is an Open Connectors date placeholder; `{key}` (no dollar) a value of the instance's
 * provider data, as in `/v3/company/{realmId}/cdc`.
 */
const PLACEHOLDER = /\$\{([^}]*)\}|\{([A-Za-z_][A-Za-z0-9_.-]{0,127})\}/g;
const KNOWN = '${date:<format>}, ${gmtDate:<format>}, ${dateTimeZone:<zone>[:<format>]}, ${epoch}, ${epoch:s}, ${epoch:us}, ${now:<format>} or {providerDataKey}';
const MAX_BODY_DEPTH = 32;

interface Expansion {
  readonly since: Date;
  readonly now: Date;
  readonly zone: JavaTimeZone;
  providerValue(key: string): string | undefined;
}

/**
 * The request URL for one poll. Every filled-in value is URL-encoded: dates carry `:` and `+`
 * (`+0000` would otherwise arrive as a space) and provider data must not add path segments;
 * provider data fills path segments and query values, never the host.
 */
export function expandPollerUrl(template: string, context: PollerTemplateContext): string {
  return expand(template, expansionOf(context), encodeUrlValue);
}

/** The JSON body for one poll: placeholders in string values (at any depth), not encoded. */
export function expandPollerBody(body: Record<string, unknown>, context: PollerTemplateContext): Record<string, unknown> {
  const expansion = expansionOf(context);
  return expandValue(body, expansion, 0) as Record<string, unknown>;
}

/**
 * What is wrong with a URL template before any instance exists: unknown or unclosed
 * placeholders, unsupported formats or zones. Provider data keys cannot be checked yet.
 */
export function pollerTemplateProblems(template: string): string[] {
  return problemsOf(() => expand(template, CHECK_EXPANSION, encodeUrlValue));
}

/** The same check for every string of a request body, each problem naming its path. */
export function pollerBodyProblems(body: Record<string, unknown>): string[] {
  return problemsOf(() => expandValue(body, CHECK_EXPANSION, 0));
}

const CHECK_EXPANSION: Expansion = { since: new Date(0), now: new Date(0), zone: UTC_ZONE, providerValue: () => 'x' };

function problemsOf(check: () => unknown): string[] {
  try {
    check();
    return [];
  } catch (error) {
    if (isConnectorError(error)) return [error.message];
    throw error;
  }
}

function expansionOf(context: PollerTemplateContext): Expansion {
  for (const key of ['since', 'now'] as const) {
    if (!(context[key] instanceof Date) || !Number.isFinite(context[key].getTime())) {
      throw connectorErrors.configurationInvalid(`the poll's ${key} time is not a valid date`);
    }
  }
  return {
    since: context.since,
    now: context.now,
    zone: javaTimeZone(context.timeZone),
    providerValue: (key) => {
      const value = Object.hasOwn(context.providerData, key) ? context.providerData[key] : undefined;
      return typeof value === 'string' && value !== '' ? value : undefined;
    },
  };
}

function expand(template: string, expansion: Expansion, encode: (value: string) => string): string {
  const unclosed = template.lastIndexOf('${');
  if (unclosed >= 0 && !template.includes('}', unclosed)) {
    throw connectorErrors.configurationInvalid(`"${clip(template.slice(unclosed))}" opens a placeholder that is never closed`);
  }
  return template.replace(PLACEHOLDER, (text: string, expression: string | undefined, key: string | undefined) => {
    if (key !== undefined) {
      const value = expansion.providerValue(key);
      if (value === undefined) {
        throw connectorErrors.configurationInvalid(`the placeholder {${key}} needs providerData.${key}, which the instance does not have`);
      }
      return encode(value);
    }
    return encode(dateValue(text, expression ?? '', expansion));
  });
}

function dateValue(text: string, expression: string, expansion: Expansion): string {
  const colon = expression.indexOf(':');
  const name = colon < 0 ? expression : expression.slice(0, colon);
  const argument = colon < 0 ? undefined : expression.slice(colon + 1);
  switch (name) {
    case 'date':
      return formatted(text, expansion.since, argument, expansion.zone);
    case 'gmtDate':
      return formatted(text, expansion.since, argument, GMT_ZONE);
    case 'now':
      return formatted(text, expansion.now, argument, GMT_ZONE);
    case 'dateTimeZone': {
      const { zone, format } = zoneAndFormat(text, argument ?? '');
      return formatted(text, expansion.since, format, zone);
    }
    case 'epoch': {
      const ms = expansion.since.getTime();
      if (argument === undefined || argument === 'ms') return String(ms);
      if (argument === 's') return String(Math.floor(ms / 1000));
      if (argument === 'us') return String(ms * 1000);
      throw connectorErrors.configurationInvalid(`${clip(text)} is not a known epoch unit; use \${epoch} (ms), \${epoch:s} or \${epoch:us}`);
    }
    default:
      throw connectorErrors.configurationInvalid(`the placeholder ${clip(text)} is unknown; use ${KNOWN}`);
  }
}

function formatted(text: string, date: Date, format: string | undefined, zone: JavaTimeZone): string {
  try {
    return JavaDateFormat.of(format === undefined || format === '' ? ISO_8601_FORMAT : format).format(date, zone);
  } catch (error) {
    if (isConnectorError(error)) throw connectorErrors.configurationInvalid(`in ${clip(text)}: ${error.message}`);
    throw error;
  }
}

/**
 * `America/New_York`, `America/New_York:yyyy-MM-dd HH:mm` or `GMT+05:30:yyyy…`: zones and
 * formats both hold colons, so the zone is the longest prefix that names one.
 */
function zoneAndFormat(text: string, argument: string): { zone: JavaTimeZone; format: string | undefined } {
  const whole = argument.trim() === '' ? undefined : findJavaTimeZone(argument);
  if (whole) return { zone: whole, format: undefined };
  for (let colon = argument.lastIndexOf(':'); colon > 0; colon = argument.lastIndexOf(':', colon - 1)) {
    const zone = findJavaTimeZone(argument.slice(0, colon));
    if (zone && argument.slice(0, colon).trim() !== '') return { zone, format: argument.slice(colon + 1) };
  }
  throw connectorErrors.configurationInvalid(`${clip(text)} does not name a known time zone; write \${dateTimeZone:America/New_York} or \${dateTimeZone:GMT:<format>}`);
}

function expandValue(value: unknown, expansion: Expansion, depth: number, path = 'body'): unknown {
  if (depth > MAX_BODY_DEPTH) throw connectorErrors.configurationInvalid(`${path} is nested more than ${MAX_BODY_DEPTH} levels deep`);
  if (typeof value === 'string') {
    try {
      return expand(value, expansion, (text) => text);
    } catch (error) {
      if (isConnectorError(error)) throw connectorErrors.configurationInvalid(`${path}: ${error.message}`);
      throw error;
    }
  }
  if (Array.isArray(value)) return value.map((item, index) => expandValue(item, expansion, depth + 1, `${path}.${index}`));
  if (isRecord(value)) {
    // fromEntries defines own properties, so a `__proto__` key stays data.
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, expandValue(item, expansion, depth + 1, `${path}.${key}`)]));
  }
  return value;
}

/**
 * `encodeURIComponent`, which throws a URIError on lone surrogates: report those as bad data.
 * It leaves `.` and `..` as they are, and URLs resolve those as path steps (`%2E%2E` too).
 */
function encodeUrlValue(value: string): string {
  if (value === '.' || value === '..') {
    throw connectorErrors.configurationInvalid(`"${value}" cannot be put into a URL: it would change the path`);
  }
  try {
    return encodeURIComponent(value);
  } catch {
    throw connectorErrors.configurationInvalid(`"${clip(value)}" is not valid text to put into a URL`);
  }
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}
