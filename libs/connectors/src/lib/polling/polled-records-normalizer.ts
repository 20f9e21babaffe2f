import { EventObject, EventType } from '@connector-events/event-schema';
import { ConnectorDescriptor } from '../core/connector-descriptor';
import { connectorErrors } from '../core/connector-errors';
import { EventObjectFactory } from '../events/event-object-factory';
import { idText, isRecord, readPath } from '../webhooks/webhook-json';
import { ISO_8601_FORMAT, JavaDateFormat } from './java-date-format';
import { JavaTimeZone, javaTimeZone } from './java-time-zone';
import { PollerDeletedMarker, PollerResourceConfiguration } from './poller-resource-configuration';

/**
 * Seconds within which a record's created and updated dates count as equal (a creation).
 * Open Connectors' help pages name `createdCheckTolerance` without a default; the Cloud
 * Elements engine's successor (UiPath Integration Service) documents 10 s, and Cloud Elements'
 * own HubSpot and Salesforce examples set 10. Saving a record right after creating it (a
 * workflow stamping a field) stays a creation.
 */
export const DEFAULT_CREATED_CHECK_TOLERANCE_SECONDS = 10;
/** One call handles one page; providers cap pages far below this (Salesforce 2,000). */
export const MAX_POLLED_RECORDS = 10_000;
/** Where a record's display name is looked for (Salesforce `Name`, HubSpot `properties.name`). */
const NAME_PATHS = ['Name', 'name', 'properties.name'] as const;

/** The descriptor, or a factory already made from it. */
export type PolledEventSource = { readonly descriptor: ConnectorDescriptor } | { readonly factory: EventObjectFactory };

export type PolledRecordsInput = PolledEventSource & {
  /** The resource name of `event.poller.configuration`, used as `objectType`. */
  readonly objectType: string;
  /** The records of one page of the provider's answer (read with `recordsPath`). */
  readonly records: readonly unknown[];
  readonly configuration: PollerResourceConfiguration;
  /** The time the query asked from: the watermark minus `pollDelay`. */
  readonly since: Date;
  /** When this poll ran; every event carries it. */
  readonly pollDate: Date;
};

/** Open Connectors' polling `raw`: `{ <objectType>: [records], pollDate, objectType }`. */
export type PolledRaw = Record<string, unknown> & { readonly pollDate: number; readonly objectType: string };

export interface NormalizedPoll {
  readonly events: EventObject[];
  /** Only the records that became events: the ones already reported before are left out. */
  readonly raw: PolledRaw;
  /** The latest updated date readable in the page (kept or not), for `nextPollingWatermark`. */
  readonly latestUpdatedDate?: Date;
}

interface ChangeDetection {
  readonly idField: string;
  readonly updated?: DateReader;
  readonly created?: DateReader;
  readonly filterByUpdatedDate: boolean;
  readonly toleranceMs: number;
  readonly deleted?: PollerDeletedMarker;
}

interface DateReader {
  readonly field: string;
  readonly format: JavaDateFormat;
  readonly zone: JavaTimeZone;
}

/**
 * Open Connectors change detection over one page of polled records:
 * - records that are not objects, or have no id at `idField`, are skipped;
 * - with `filterByUpdatedDate` (default true), a record updated at or before `since` is
 *   skipped: it was reported by an earlier poll;
 * - a record whose updated date cannot be read cannot be filtered, so it is kept (as UPDATED,
 *   dated `pollDate`): a possibly repeated event beats a silently lost change;
 * - a record matching `deleted` is DELETED; one whose created and updated dates are within
 *   `createdCheckTolerance` seconds is CREATED; anything else (no created date either) UPDATED.
 * A configuration that cannot be used is a `configuration_invalid` error; records never throw.
 */
export function normalizePolledRecords(input: PolledRecordsInput): NormalizedPoll {
  const { objectType, records, since, pollDate } = input;
  checkInputs(objectType, records, since, pollDate);
  const detection = changeDetection(input.configuration);
  const factory = 'factory' in input ? input.factory : new EventObjectFactory(input.descriptor);
  const events: EventObject[] = [];
  const kept: unknown[] = [];
  let latest: number | undefined;
  for (const record of records) {
    if (!isRecord(record)) continue;
    const objectId = idText(readPath(record, detection.idField));
    if (objectId === undefined) continue;
    const updated = readDate(record, detection.updated);
    if (updated !== undefined) latest = Math.max(latest ?? updated.getTime(), updated.getTime());
    if (detection.filterByUpdatedDate && updated !== undefined && updated.getTime() <= since.getTime()) continue;
    events.push(
      factory.create(
        { objectType, objectId, eventType: eventTypeOf(record, updated, detection), date: updated ?? pollDate, pollDate, name: nameOf(record) },
        pollDate,
      ),
    );
    kept.push(record);
  }
  return {
    events,
    raw: { [objectType]: kept, pollDate: pollDate.getTime(), objectType },
    latestUpdatedDate: latest === undefined ? undefined : new Date(latest),
  };
}

function eventTypeOf(record: Record<string, unknown>, updated: Date | undefined, detection: ChangeDetection): EventType {
  if (detection.deleted && isDeletion(record, detection.deleted)) return 'DELETED';
  const created = readDate(record, detection.created);
  if (updated === undefined || created === undefined) return 'UPDATED';
  return Math.abs(updated.getTime() - created.getTime()) <= detection.toleranceMs ? 'CREATED' : 'UPDATED';
}

/** Exact match, or the same text (`"true"` for `true`): providers are loose about JSON types. */
function isDeletion(record: Record<string, unknown>, marker: PollerDeletedMarker): boolean {
  const actual = readPath(record, marker.field);
  if (actual === marker.value) return true;
  return (typeof actual === 'string' || typeof actual === 'boolean') && String(actual) === String(marker.value);
}

function readDate(record: Record<string, unknown>, reader: DateReader | undefined): Date | undefined {
  return reader ? reader.format.read(readPath(record, reader.field), reader.zone) : undefined;
}

function nameOf(record: Record<string, unknown>): string | undefined {
  for (const path of NAME_PATHS) {
    const value = readPath(record, path);
    if (typeof value === 'string' && value.trim() !== '') return value;
  }
  return undefined;
}

function checkInputs(objectType: unknown, records: unknown, since: unknown, pollDate: unknown): void {
  if (typeof objectType !== 'string' || objectType === '' || objectType.length > 255 || objectType === 'pollDate' || objectType === 'objectType') {
    throw connectorErrors.configurationInvalid('the polled objectType must be 1-255 characters and not pollDate or objectType');
  }
  for (const [name, date] of [['since', since], ['pollDate', pollDate]] as const) {
    if (!(date instanceof Date) || !Number.isFinite(date.getTime())) {
      throw connectorErrors.configurationInvalid(`the poll's ${name} is not a valid date`);
    }
  }
  if (!Array.isArray(records)) throw connectorErrors.responseInvalid('the provider', `the ${objectType} records are not an array`);
  if (records.length > MAX_POLLED_RECORDS) {
    throw connectorErrors.responseInvalid('the provider', `a page of ${objectType} held ${records.length} records; at most ${MAX_POLLED_RECORDS} are handled at once`);
  }
}

/**
 * The configuration as change detection needs it. Configurations normally come through
 * `parsePollerConfiguration`; this still refuses what it cannot use, by name.
 */
function changeDetection(configuration: PollerResourceConfiguration): ChangeDetection {
  if (!isRecord(configuration)) throw connectorErrors.configurationInvalid('the poller resource configuration must be an object');
  const idField: unknown = configuration.idField;
  if (typeof idField !== 'string' || idField === '') throw connectorErrors.configurationInvalid('idField must be a non-empty dot path');
  const givenDates: unknown = configuration.datesConfiguration;
  if (givenDates !== undefined && !isRecord(givenDates)) throw connectorErrors.configurationInvalid('datesConfiguration must be an object');
  const dates = givenDates as Record<string, unknown> | undefined;
  const tolerance: unknown = configuration.createdCheckTolerance;
  const deleted: unknown = configuration.deleted;
  if (deleted !== undefined && !(isRecord(deleted) && typeof deleted['field'] === 'string' && deleted['field'] !== '' && isMarkerValue(deleted['value']))) {
    throw connectorErrors.configurationInvalid('deleted must be { field: <dot path>, value: <string or boolean> }');
  }
  const updatedFormat = optionalText(dates?.['updatedDateFormat'], 'datesConfiguration.updatedDateFormat');
  const updatedZone = optionalText(dates?.['updatedDateTimezone'], 'datesConfiguration.updatedDateTimezone');
  return {
    idField,
    // Created dates are written like updated dates unless said otherwise.
    updated: dateReader(dates?.['updatedDateField'], updatedFormat, updatedZone, 'updated'),
    created: dateReader(
      dates?.['createdDateField'],
      optionalText(dates?.['createdDateFormat'], 'datesConfiguration.createdDateFormat') ?? updatedFormat,
      optionalText(dates?.['createdDateTimezone'], 'datesConfiguration.createdDateTimezone') ?? updatedZone,
      'created',
    ),
    filterByUpdatedDate: configuration.filterByUpdatedDate !== false,
    toleranceMs: (typeof tolerance === 'number' && Number.isFinite(tolerance) && tolerance >= 0 ? tolerance : DEFAULT_CREATED_CHECK_TOLERANCE_SECONDS) * 1000,
    deleted: deleted as PollerDeletedMarker | undefined,
  };
}

function dateReader(field: unknown, format: string | undefined, zone: string | undefined, which: string): DateReader | undefined {
  if (field === undefined) return undefined;
  if (typeof field !== 'string' || field === '') {
    throw connectorErrors.configurationInvalid(`datesConfiguration.${which}DateField must be a non-empty dot path`);
  }
  try {
    return { field, format: JavaDateFormat.of(format ?? ISO_8601_FORMAT), zone: javaTimeZone(zone) };
  } catch (error) {
    throw connectorErrors.configurationInvalid(`datesConfiguration (${which} date): ${error instanceof Error ? error.message : String(error)}`);
  }
}

function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw connectorErrors.configurationInvalid(`${name} must be a string`);
  return value;
}

function isMarkerValue(value: unknown): value is string | boolean {
  return typeof value === 'string' || typeof value === 'boolean';
}
