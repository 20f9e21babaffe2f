import { randomUUID } from 'node:crypto';
import { FakeAnswer } from '../fake-http-server';

/** A CRM record as the v3 objects API returns it. */
export interface FakeHubSpotRecord {
  readonly id: string;
  readonly properties: Record<string, string | null>;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

/** One CRM object type, as the fake knows it (kept apart from the adapter's own table on purpose). */
export interface FakeHubSpotObjectType {
  readonly name: string;
  readonly singular: string;
  readonly objectTypeId: string;
  readonly lastModifiedProperty: string;
  /** What search returns when the request names no `properties`. */
  readonly defaultProperties: readonly string[];
}

export const FAKE_HUBSPOT_OBJECT_TYPES: readonly FakeHubSpotObjectType[] = [
  { name: 'contacts', singular: 'contact', objectTypeId: '0-1', lastModifiedProperty: 'lastmodifieddate', defaultProperties: ['createdate', 'email', 'firstname', 'hs_object_id', 'lastmodifieddate', 'lastname'] },
  { name: 'companies', singular: 'company', objectTypeId: '0-2', lastModifiedProperty: 'hs_lastmodifieddate', defaultProperties: ['createdate', 'domain', 'hs_lastmodifieddate', 'hs_object_id', 'name'] },
  { name: 'deals', singular: 'deal', objectTypeId: '0-3', lastModifiedProperty: 'hs_lastmodifieddate', defaultProperties: ['amount', 'closedate', 'createdate', 'dealname', 'dealstage', 'hs_lastmodifieddate', 'hs_object_id', 'pipeline'] },
  { name: 'tickets', singular: 'ticket', objectTypeId: '0-5', lastModifiedProperty: 'hs_lastmodifieddate', defaultProperties: ['content', 'createdate', 'hs_lastmodifieddate', 'hs_object_id', 'hs_pipeline', 'hs_pipeline_stage', 'hs_ticket_category', 'hs_ticket_priority', 'subject'] },
  { name: 'products', singular: 'product', objectTypeId: '0-7', lastModifiedProperty: 'hs_lastmodifieddate', defaultProperties: ['createdate', 'description', 'hs_lastmodifieddate', 'hs_object_id', 'name', 'price'] },
  { name: 'line_items', singular: 'line_item', objectTypeId: '0-8', lastModifiedProperty: 'hs_lastmodifieddate', defaultProperties: ['amount', 'createdate', 'hs_lastmodifieddate', 'hs_object_id', 'hs_product_id', 'name', 'price', 'quantity'] },
];

export function fakeHubSpotObjectType(name: string): FakeHubSpotObjectType | undefined {
  return FAKE_HUBSPOT_OBJECT_TYPES.find((type) => type.name === name);
}

/** HubSpot's documented search limits. */
export const HUBSPOT_SEARCH_LIMITS = { maxLimit: 200, defaultLimit: 10, maxResults: 10_000, maxFilterGroups: 5, maxFiltersPerGroup: 10, maxFilters: 25 } as const;

const DATE_PROPERTIES = new Set(['createdate', 'lastmodifieddate', 'hs_lastmodifieddate', 'closedate']);
const OPERATORS = ['EQ', 'NEQ', 'GT', 'GTE', 'LT', 'LTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY'] as const;
type Operator = (typeof OPERATORS)[number];

interface Filter {
  readonly propertyName: string;
  readonly operator: Operator;
  readonly value?: string;
  readonly highValue?: string;
  readonly values?: readonly string[];
}

interface Sort {
  readonly propertyName: string;
  readonly descending: boolean;
}

interface SearchRequest {
  readonly filterGroups: readonly (readonly Filter[])[];
  readonly sort?: Sort;
  readonly properties?: readonly string[];
  readonly limit: number;
  readonly after: number;
}

/**
 * `POST /crm/v3/objects/{object}/search` over one portal's records, as documented: filter
 * groups (OR of ANDs), one sort, `limit` up to 200, `after` paging, at most 10,000 results
 * reachable, archived records never returned. Invalid requests answer 400 the way HubSpot does.
 */
export function searchRecords(type: FakeHubSpotObjectType, records: Iterable<FakeHubSpotRecord>, body: unknown): FakeAnswer {
  const parsed = parseSearchRequest(body);
  if (typeof parsed === 'string') return validationError(parsed);
  const matching = [...records]
    .filter((record) => !record.archived && matches(record, parsed.filterGroups))
    .sort((a, b) => compareRecords(a, b, parsed.sort));
  // Results past the 10,000th are unreachable: the page stops there, and asking for more is a 400.
  const page = matching.slice(parsed.after, Math.min(parsed.after + parsed.limit, HUBSPOT_SEARCH_LIMITS.maxResults));
  const next = parsed.after + page.length;
  const wanted = parsed.properties ?? type.defaultProperties;
  return {
    status: 200,
    json: {
      total: matching.length,
      results: page.map((record) => resultOf(type, record, wanted)),
      ...(next < matching.length ? { paging: { next: { after: String(next), link: `?after=${next}` } } } : {}),
    },
  };
}

/** Search always returns the id and both dates, whatever `properties` asked for. */
function resultOf(type: FakeHubSpotObjectType, record: FakeHubSpotRecord, wanted: readonly string[]): Record<string, unknown> {
  const properties: Record<string, string | null> = {};
  for (const name of new Set([...wanted, 'createdate', type.lastModifiedProperty, 'hs_object_id'])) {
    properties[name] = record.properties[name] ?? null;
  }
  return { id: record.id, properties, createdAt: record.createdAt, updatedAt: record.updatedAt, archived: false };
}

export function validationError(message: string): FakeAnswer {
  return { status: 400, json: { status: 'error', message, correlationId: randomUUID(), category: 'VALIDATION_ERROR' } };
}

function parseSearchRequest(body: unknown): SearchRequest | string {
  if (!isRecord(body)) return 'Invalid input JSON: the request body must be a JSON object';
  const limit = body['limit'] ?? HUBSPOT_SEARCH_LIMITS.defaultLimit;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > HUBSPOT_SEARCH_LIMITS.maxLimit) {
    return `Invalid input: limit must be an integer between 1 and ${HUBSPOT_SEARCH_LIMITS.maxLimit}, got ${JSON.stringify(limit)}`;
  }
  const after = cursorOf(body['after'] ?? '0');
  if (after === undefined) return `Invalid input: after must be a paging cursor, got ${JSON.stringify(body['after'])}`;
  if (after >= HUBSPOT_SEARCH_LIMITS.maxResults) {
    return `Invalid input: a search can page through at most ${HUBSPOT_SEARCH_LIMITS.maxResults} results; narrow the filters`;
  }
  const filterGroups = parseFilterGroups(body['filterGroups']);
  if (typeof filterGroups === 'string') return filterGroups;
  const sorts = body['sorts'] ?? [];
  if (!Array.isArray(sorts) || sorts.length > 1) return 'Invalid input: sorts must be an array with at most one sort';
  let sort: Sort | undefined;
  if (sorts.length === 1) {
    const parsed = parseSort(sorts[0]);
    if (typeof parsed === 'string') return parsed;
    sort = parsed;
  }
  const properties = body['properties'];
  if (properties !== undefined && (!Array.isArray(properties) || !properties.every((p) => typeof p === 'string'))) {
    return 'Invalid input: properties must be an array of property names';
  }
  return { filterGroups, sort, properties: properties as string[] | undefined, limit, after };
}

/** The cursors this fake hands out are offsets; HubSpot's are opaque strings. */
function cursorOf(value: unknown): number | undefined {
  if (typeof value === 'string' && /^\d{1,9}$/.test(value)) return Number(value);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  return undefined;
}

function parseFilterGroups(value: unknown): Filter[][] | string {
  const groups = value ?? [];
  if (!Array.isArray(groups)) return 'Invalid input: filterGroups must be an array';
  if (groups.length > HUBSPOT_SEARCH_LIMITS.maxFilterGroups) {
    return `Invalid input: at most ${HUBSPOT_SEARCH_LIMITS.maxFilterGroups} filterGroups are allowed`;
  }
  const parsed: Filter[][] = [];
  let total = 0;
  for (const group of groups) {
    const filters = isRecord(group) ? group['filters'] : undefined;
    if (!Array.isArray(filters)) return 'Invalid input: each filter group needs a filters array';
    if (filters.length > HUBSPOT_SEARCH_LIMITS.maxFiltersPerGroup) {
      return `Invalid input: at most ${HUBSPOT_SEARCH_LIMITS.maxFiltersPerGroup} filters are allowed in a filter group`;
    }
    total += filters.length;
    const parsedGroup: Filter[] = [];
    for (const filter of filters) {
      const one = parseFilter(filter);
      if (typeof one === 'string') return one;
      parsedGroup.push(one);
    }
    parsed.push(parsedGroup);
  }
  if (total > HUBSPOT_SEARCH_LIMITS.maxFilters) return `Invalid input: at most ${HUBSPOT_SEARCH_LIMITS.maxFilters} filters are allowed`;
  return parsed;
}

function parseFilter(filter: unknown): Filter | string {
  if (!isRecord(filter) || typeof filter['propertyName'] !== 'string' || filter['propertyName'] === '') {
    return 'Invalid input: each filter needs a propertyName';
  }
  const operator = filter['operator'] ?? 'EQ';
  if (!OPERATORS.includes(operator as Operator)) return `Invalid input: operator ${JSON.stringify(operator)} is not supported`;
  const text = (value: unknown) => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : undefined);
  const parsed: Filter = {
    propertyName: filter['propertyName'],
    operator: operator as Operator,
    value: text(filter['value']),
    highValue: text(filter['highValue']),
    values: Array.isArray(filter['values']) ? filter['values'].map(text).filter((v): v is string => v !== undefined) : undefined,
  };
  const needsValue = !['HAS_PROPERTY', 'NOT_HAS_PROPERTY', 'IN', 'NOT_IN'].includes(parsed.operator);
  if (needsValue && parsed.value === undefined) return `Invalid input: the ${parsed.operator} filter on ${parsed.propertyName} needs a value`;
  if (parsed.operator === 'BETWEEN' && parsed.highValue === undefined) return `Invalid input: the BETWEEN filter on ${parsed.propertyName} needs a highValue`;
  if ((parsed.operator === 'IN' || parsed.operator === 'NOT_IN') && !parsed.values) return `Invalid input: the ${parsed.operator} filter on ${parsed.propertyName} needs values`;
  return parsed;
}

/** `{propertyName, direction}` or the short string form (`"createdate"`, `"-createdate"`). */
function parseSort(sort: unknown): Sort | string {
  if (typeof sort === 'string' && sort !== '') {
    return sort.startsWith('-') ? { propertyName: sort.slice(1), descending: true } : { propertyName: sort, descending: false };
  }
  if (isRecord(sort) && typeof sort['propertyName'] === 'string') {
    const direction = sort['direction'] ?? 'ASCENDING';
    if (direction !== 'ASCENDING' && direction !== 'DESCENDING') return 'Invalid input: a sort direction is ASCENDING or DESCENDING';
    return { propertyName: sort['propertyName'], descending: direction === 'DESCENDING' };
  }
  return 'Invalid input: a sort needs a propertyName';
}

function matches(record: FakeHubSpotRecord, groups: readonly (readonly Filter[])[]): boolean {
  if (groups.length === 0) return true;
  return groups.some((filters) => filters.every((filter) => matchesFilter(record, filter)));
}

function matchesFilter(record: FakeHubSpotRecord, filter: Filter): boolean {
  const actual = record.properties[filter.propertyName] ?? null;
  if (filter.operator === 'HAS_PROPERTY') return actual !== null && actual !== '';
  if (filter.operator === 'NOT_HAS_PROPERTY') return actual === null || actual === '';
  if (filter.operator === 'IN' || filter.operator === 'NOT_IN') {
    const found = actual !== null && (filter.values ?? []).some((v) => compare(filter.propertyName, actual, v) === 0);
    return filter.operator === 'IN' ? found : !found;
  }
  if (actual === null) return filter.operator === 'NEQ';
  const order = compare(filter.propertyName, actual, filter.value ?? '');
  switch (filter.operator) {
    case 'EQ':
      return order === 0;
    case 'NEQ':
      return order !== 0;
    case 'GT':
      return order > 0;
    case 'GTE':
      return order >= 0;
    case 'LT':
      return order < 0;
    case 'LTE':
      return order <= 0;
    case 'BETWEEN':
      return order >= 0 && compare(filter.propertyName, actual, filter.highValue ?? '') <= 0;
  }
}

/** Dates compare as instants (epoch ms or ISO 8601 on either side), numbers as numbers, the rest as text. */
function compare(property: string, actual: string, expected: string): number {
  if (DATE_PROPERTIES.has(property)) {
    const a = instant(actual);
    const b = instant(expected);
    if (a !== undefined && b !== undefined) return Math.sign(a - b);
  }
  const a = Number(actual);
  const b = Number(expected);
  if (actual.trim() !== '' && expected.trim() !== '' && Number.isFinite(a) && Number.isFinite(b)) return Math.sign(a - b);
  const left = actual.toLowerCase();
  const right = expected.toLowerCase();
  return left < right ? -1 : left > right ? 1 : 0;
}

function instant(text: string): number | undefined {
  const time = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  return Number.isFinite(time) ? time : undefined;
}

function compareRecords(a: FakeHubSpotRecord, b: FakeHubSpotRecord, sort: Sort | undefined): number {
  if (sort) {
    const left = a.properties[sort.propertyName] ?? null;
    const right = b.properties[sort.propertyName] ?? null;
    let order = 0;
    if (left === null || right === null) order = left === right ? 0 : left === null ? 1 : -1;
    else order = compare(sort.propertyName, left, right);
    if (order !== 0) return sort.descending ? -order : order;
  }
  return Number(a.id) - Number(b.id);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
