import { validateShape } from '@connector-events/event-schema';
import { isRecord } from '../webhooks/webhook-json';
import { JavaDateFormat } from './java-date-format';
import { findJavaTimeZone } from './java-time-zone';
import { PollerConfiguration, PollerResourceConfiguration } from './poller-resource-configuration';
import { pollerBodyProblems, pollerTemplateProblems } from './poller-url-template';

export type PollerConfigurationCheck = { ok: true; configuration: PollerConfiguration } | { ok: false; problems: string[] };

export const MAX_POLLED_RESOURCES = 100;
export const MAX_POLLER_CONFIGURATION_BYTES = 256 * 1024;
/** Resource names become `objectType` and a key of the polled `raw`: plain names only. */
const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,254}$/;
const RESERVED_NAMES = new Set(['pollDate', 'objectType']);

/** The fields we read; anything else in a resource is dropped (Open Connectors carries more). */
const RESOURCE_FIELDS = [
  'url', 'idField', 'filterByUpdatedDate', 'datesConfiguration', 'createdCheckTolerance', 'pageSize', 'pollDelay',
  'method', 'body', 'recordsPath', 'nextPagePath', 'deleted',
] as const;
const DATES_FIELDS = [
  'updatedDateField', 'updatedDateFormat', 'updatedDateTimezone', 'createdDateField', 'createdDateFormat', 'createdDateTimezone',
] as const;
const DELETED_FIELDS = ['field', 'value'] as const;

/**
 * Reads `event.poller.configuration`, which Open Connectors accepts as an object or as JSON
 * text, into validated resources. Fields Open Connectors knows but we do not use
 * (`filterByCurrentDate`, `postHooks`…) are dropped, not refused, so configurations copied from
 * Open Connectors keep working. Every problem names the resource and field.
 */
export function parsePollerConfiguration(value: unknown): PollerConfigurationCheck {
  const read = readJson(value);
  if ('problem' in read) return { ok: false, problems: [read.problem] };
  const plain = read.json;
  if (!isRecord(plain)) {
    return { ok: false, problems: [`event.poller.configuration must be a JSON object keyed by resource name, got ${describe(plain)}`] };
  }
  const names = Object.keys(plain);
  if (names.length === 0) return { ok: false, problems: ['event.poller.configuration names no resource'] };
  if (names.length > MAX_POLLED_RESOURCES) {
    return { ok: false, problems: [`event.poller.configuration has ${names.length} resources; at most ${MAX_POLLED_RESOURCES} are allowed`] };
  }
  const problems: string[] = [];
  const resources: [string, PollerResourceConfiguration][] = [];
  for (const name of names) {
    if (!RESOURCE_NAME.test(name) || RESERVED_NAMES.has(name)) {
      problems.push(`resource name "${name.slice(0, 60)}" must be 1-255 letters, digits, dots, colons, dashes or underscores (and not pollDate or objectType)`);
      continue;
    }
    const check = parseResource(name, plain[name]);
    if ('problems' in check) problems.push(...check.problems);
    else resources.push([name, check.resource]);
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, configuration: Object.fromEntries(resources) };
}

function readJson(value: unknown): { json: unknown } | { problem: string } {
  if (typeof value === 'string') {
    if (Buffer.byteLength(value, 'utf8') > MAX_POLLER_CONFIGURATION_BYTES) return { problem: tooLarge() };
    try {
      return { json: JSON.parse(value) };
    } catch {
      return { problem: 'event.poller.configuration is not valid JSON' };
    }
  }
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    text = undefined;
  }
  if (text === undefined) return { problem: 'event.poller.configuration must be JSON (an object or its text)' };
  if (Buffer.byteLength(text, 'utf8') > MAX_POLLER_CONFIGURATION_BYTES) return { problem: tooLarge() };
  // Work on a copy, so later changes to the caller's object cannot bypass the checks.
  return { json: JSON.parse(text) };
}

function parseResource(name: string, value: unknown): { resource: PollerResourceConfiguration } | { problems: string[] } {
  if (!isRecord(value)) return { problems: [`${name} must be an object, got ${describe(value)}`] };
  const plain = pick(value, RESOURCE_FIELDS);
  if (isRecord(plain['datesConfiguration'])) plain['datesConfiguration'] = pick(plain['datesConfiguration'], DATES_FIELDS);
  if (isRecord(plain['deleted'])) plain['deleted'] = pick(plain['deleted'], DELETED_FIELDS);
  const shape = validateShape(PollerResourceConfiguration, plain);
  if (!shape.ok) return { problems: shape.problems.map((problem) => `${name}.${problem}`) };
  const resource = shape.value;
  // class-transformer copies the body; keep the parsed JSON itself, whose keys are all data.
  if (isRecord(plain['body'])) resource.body = plain['body'];
  const problems = meaningProblems(resource).map((problem) => `${name}.${problem}`);
  return problems.length > 0 ? { problems } : { resource };
}

/** What the class decorators cannot say: formats, zones, placeholders, paths, and what goes together. */
function meaningProblems(resource: PollerResourceConfiguration): string[] {
  const problems = pollerTemplateProblems(resource.url).map((problem) => `url: ${problem}`);
  if (resource.body) problems.push(...pollerBodyProblems(resource.body));
  const paths: [string, string | undefined][] = [
    ['idField', resource.idField],
    ['recordsPath', resource.recordsPath],
    ['nextPagePath', resource.nextPagePath],
    ['deleted.field', resource.deleted?.field],
  ];
  const dates = resource.datesConfiguration;
  if (dates) {
    paths.push(['datesConfiguration.updatedDateField', dates.updatedDateField], ['datesConfiguration.createdDateField', dates.createdDateField]);
    for (const key of ['updatedDateFormat', 'createdDateFormat'] as const) {
      const format = dates[key];
      const problem = format === undefined ? undefined : JavaDateFormat.problemWith(format);
      if (problem) problems.push(`datesConfiguration.${key}: ${problem}`);
    }
    for (const key of ['updatedDateTimezone', 'createdDateTimezone'] as const) {
      const zone = dates[key];
      if (zone !== undefined && !findJavaTimeZone(zone)) {
        problems.push(`datesConfiguration.${key} "${zone.slice(0, 60)}" is not a known time zone; use GMT, UTC, GMT+05:30 or a region such as America/New_York`);
      }
    }
  } else if (resource.filterByUpdatedDate !== false) {
    problems.push('datesConfiguration is required unless filterByUpdatedDate is false: records are filtered by their updated date');
  }
  for (const [field, path] of paths) {
    if (path !== undefined && path.split('.').some((part) => part === '')) {
      problems.push(`${field} "${path.slice(0, 60)}" must be a dot path such as properties.name, without empty parts`);
    }
  }
  const deletedValue: unknown = resource.deleted?.value;
  if (resource.deleted && typeof deletedValue !== 'string' && typeof deletedValue !== 'boolean') {
    problems.push('deleted.value must be a string or a boolean');
  }
  return problems;
}

/** Keeps the named fields; a null field counts as not set, as the decorators' @IsOptional treats it. */
function pick(value: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => Object.hasOwn(value, key) && value[key] !== null).map((key) => [key, value[key]]));
}

function tooLarge(): string {
  return `event.poller.configuration is larger than ${MAX_POLLER_CONFIGURATION_BYTES / 1024} KiB`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}
