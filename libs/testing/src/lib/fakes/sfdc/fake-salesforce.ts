import { createHmac, randomBytes } from 'node:crypto';
import { FakeAnswer, RecordedRequest } from '../fake-http-server';
import { FakeProvider } from '../fake-provider';
import { FakeOAuthApp } from '../fake-oauth-authority';
import {
  FakeSalesforceObjectType,
  canonicalFieldName,
  fakeSalesforceObject,
  salesforceDateTime,
} from './fake-salesforce-schema';
import { SoqlError, parseSoql, runSoql } from './soql';

interface FakeStoredRecord {
  readonly type: FakeSalesforceObjectType;
  /** Canonical field names; dateTimes as `Date`. */
  readonly fields: Record<string, unknown>;
}

interface FakeDeletion {
  readonly id: string;
  readonly type: FakeSalesforceObjectType;
  readonly deletedDate: Date;
}

interface FakeSalesforceOrg {
  readonly organizationId: string;
  readonly userId: string;
  readonly records: Map<string, FakeStoredRecord>;
  /** The delete log behind `sobjects/{type}/deleted`. */
  deletions: FakeDeletion[];
  /** `earliestDateAvailable`: when the recycle bin was last emptied. */
  earliestDeletedDateAvailable: Date;
  nextCaseNumber: number;
}

/** A query's rows, kept server-side for `nextRecordsUrl` (Salesforce's query locator). */
interface FakeQueryCursor {
  readonly organizationId: string;
  readonly rows: readonly Record<string, unknown>[];
  readonly batchSize: number;
}

export interface FakeSalesforceWebhookOptions {
  /** Sent as `Element-Instances`. */
  readonly instanceIds: readonly number[];
  /** Sent as `Element-Webhook-Secret`. */
  readonly secret: string;
  readonly action: string;
  /** As the trigger serializes them (`record(...)` gives that shape). */
  readonly records: readonly Record<string, unknown>[];
  /** `UserInfo.getOrganizationId()`, when the trigger sends it. */
  readonly organizationId?: string;
}

/** An Apex-trigger call, ready for `sendWebhook` or `inboundWebhook`. */
export interface FakeSalesforceWebhookCall {
  readonly body: string;
  readonly headers: Record<string, string>;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const ERROR_SESSION = [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }];
const ERROR_NOT_FOUND = [{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }];
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A fake of the Salesforce parts the connector uses, after the REST API Developer Guide and
 * the OAuth web server flow:
 * - `POST /services/oauth2/token` (form, client credentials in the body): tokens, `instance_url`
 *   (this fake's base URL), identity URL `id`, `signature`; refusals worded as Salesforce words them.
 * - `GET /services/data/vXX.X/query|queryAll?q=` through a small SOQL interpreter, paged with
 *   `nextRecordsUrl` (`/query/01g…-2000`, also readable under `/queryAll/`); `query` hides
 *   soft-deleted rows, `queryAll` shows them.
 * - `GET …/sobjects/{type}/updated|deleted?start=&end=` with the 30- and 15-day limits.
 * - Bearer auth: `401 [{"errorCode":"INVALID_SESSION_ID"}]`.
 * Plus helpers to change records and to build the Apex-trigger webhook calls.
 */
export class FakeSalesforce extends FakeProvider {
  /** Records per query batch unless `Sforce-Query-Options: batchSize=` says otherwise; small values exercise paging. */
  batchSize = 2000;
  /** The fake's "now": record dates, replication windows. */
  clock: () => Date = () => new Date();
  private readonly apps = new Map<string, FakeOAuthApp>();
  private readonly orgs = new Map<string, FakeSalesforceOrg>();
  private readonly cursors = new Map<string, FakeQueryCursor>();

  constructor() {
    super('Salesforce', { accessTokenTtlSeconds: 7200, rotateRefreshTokens: false, tokenPrefix: '00D!' });
    const data = '/services/data/:version';
    this.server
      .route('POST', '/services/oauth2/token', (r) => this.token(r))
      .route('GET', `${data}/query`, (r) => this.api(r, (org) => this.query(r, org, false)))
      .route('GET', `${data}/queryAll`, (r) => this.api(r, (org) => this.query(r, org, true)))
      .route('GET', `${data}/query/:locator`, (r) => this.api(r, (org) => this.more(r, org)))
      .route('GET', `${data}/queryAll/:locator`, (r) => this.api(r, (org) => this.more(r, org)))
      .route('GET', `${data}/sobjects/:type/updated`, (r) => this.api(r, (org) => this.replication(r, org, 'updated')))
      .route('GET', `${data}/sobjects/:type/deleted`, (r) => this.api(r, (org) => this.replication(r, org, 'deleted')));
  }

  /** A connected app: consumer key and secret, callback URL. */
  override registerApp(app: FakeOAuthApp): FakeOAuthApp {
    this.apps.set(app.clientId, app);
    return super.registerApp(app);
  }

  /** An org whose user authorizes the app: its ids and the code for the redirect. */
  linkOrg(clientId: string): { organizationId: string; userId: string; code: string } {
    const organizationId = salesforceId('00D');
    const userId = salesforceId('005');
    this.orgs.set(organizationId, {
      organizationId,
      userId,
      records: new Map(),
      deletions: [],
      earliestDeletedDateAvailable: new Date(Math.floor(this.clock().getTime() / MINUTE_MS) * MINUTE_MS),
      nextCaseNumber: 1001,
    });
    return { organizationId, userId, code: this.oauth.issueCode(clientId, { organization_id: organizationId, user_id: userId }) };
  }

  /** Invalidates every access token, as a session timeout does; refresh tokens stay good. */
  expireSessions(): void {
    this.oauth.expireAccessTokens();
  }

  /** Inserts a record; returns it as the API (and a trigger) would show it. */
  createRecord(organizationId: string, typeName: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
    const org = this.org(organizationId);
    const type = fakeSalesforceObject(typeName);
    if (!type) throw new Error(`the Salesforce fake has no object ${typeName}`);
    const now = this.clock();
    const record: FakeStoredRecord = {
      type,
      fields: {
        Id: salesforceId(type.keyPrefix),
        IsDeleted: false,
        CreatedDate: now,
        CreatedById: org.userId,
        LastModifiedDate: now,
        LastModifiedById: org.userId,
        SystemModstamp: now,
      },
    };
    if (type.name === 'Case') record.fields['CaseNumber'] = String(org.nextCaseNumber++).padStart(8, '0');
    this.write(record, fields);
    org.records.set(String(record.fields['Id']), record);
    return this.record(organizationId, String(record.fields['Id']));
  }

  /** A user's edit: `LastModifiedDate` and `SystemModstamp` move. */
  updateRecord(organizationId: string, id: string, fields: Record<string, unknown>): Record<string, unknown> {
    const record = this.stored(organizationId, id);
    const now = this.clock();
    this.write(record, fields);
    Object.assign(record.fields, { LastModifiedDate: now, SystemModstamp: now });
    return this.record(organizationId, id);
  }

  /** To the recycle bin: `IsDeleted` and `SystemModstamp` change, and the delete log records it. */
  deleteRecord(organizationId: string, id: string): Record<string, unknown> {
    const org = this.org(organizationId);
    const record = this.stored(organizationId, id);
    const now = this.clock();
    Object.assign(record.fields, { IsDeleted: true, SystemModstamp: now });
    org.deletions.push({ id, type: record.type, deletedDate: now });
    return this.record(organizationId, id);
  }

  /** Back from the recycle bin. */
  undeleteRecord(organizationId: string, id: string): Record<string, unknown> {
    const org = this.org(organizationId);
    const record = this.stored(organizationId, id);
    Object.assign(record.fields, { IsDeleted: false, SystemModstamp: this.clock() });
    org.deletions = org.deletions.filter((deletion) => deletion.id !== id);
    return this.record(organizationId, id);
  }

  /** Empties the recycle bin: deleted records and their log entries are gone for good. */
  purgeRecycleBin(organizationId: string): void {
    const org = this.org(organizationId);
    for (const [id, record] of org.records) if (record.fields['IsDeleted'] === true) org.records.delete(id);
    org.deletions = [];
    org.earliestDeletedDateAvailable = this.clock();
  }

  /** A record with all its non-null fields, as the API returns it and `JSON.serialize` writes it. */
  record(organizationId: string, id: string, version = 'v62.0'): Record<string, unknown> {
    const record = this.stored(organizationId, id);
    const fields = Object.keys(record.type.fields).filter((field) => record.fields[field] !== undefined && record.fields[field] !== null);
    return view(record.type, record.fields, fields, version);
  }

  /** The call an Apex trigger makes: `{"objects":[…],"action":…}` with the instance ids and shared secret. */
  webhook(options: FakeSalesforceWebhookOptions): FakeSalesforceWebhookCall {
    const body = JSON.stringify({
      objects: options.records,
      action: options.action,
      ...(options.organizationId !== undefined ? { organizationId: options.organizationId } : {}),
    });
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'element-instances': options.instanceIds.join(','),
        'element-webhook-secret': options.secret,
      },
    };
  }

  private token(request: RecordedRequest): FakeAnswer {
    const form = request.form;
    // Without a form body Salesforce cannot read grant_type at all.
    if (!form) return refuse('unsupported_grant_type', 'grant type not supported');
    if (!form['client_id'] || !this.apps.has(form['client_id'])) return refuse('invalid_client_id', 'client identifier invalid');
    const outcome = this.oauth.token(request);
    if (!outcome.ok) {
      const { error, description } = outcome.refusal;
      if (error === 'invalid_client') return refuse('invalid_client', 'invalid client credentials');
      if (error === 'unsupported_grant_type') return refuse('unsupported_grant_type', 'grant type not supported');
      if (error === 'invalid_grant' && description.includes('redirect_uri')) {
        return refuse('redirect_uri_mismatch', 'redirect_uri must match configuration');
      }
      if (error === 'invalid_grant') {
        return refuse('invalid_grant', form['grant_type'] === 'refresh_token' ? 'expired access/refresh token' : 'authentication failure');
      }
      return refuse('invalid_request', description);
    }
    const { grant } = outcome;
    const secret = this.apps.get(grant.clientId)?.clientSecret ?? '';
    const base = this.server.baseUrl;
    const id = `${base}/id/${grant.subject['organization_id']}/${grant.subject['user_id']}`;
    const issuedAt = String(this.clock().getTime());
    const signature = createHmac('sha256', secret).update(`${id}${issuedAt}`).digest('base64');
    return {
      status: 200,
      json: {
        access_token: grant.accessToken,
        // A refresh answers without a refresh token: the old one stays good.
        ...(form['grant_type'] === 'authorization_code' ? { refresh_token: grant.refreshToken } : {}),
        signature,
        scope: 'refresh_token api',
        instance_url: base,
        id,
        token_type: 'Bearer',
        issued_at: issuedAt,
      },
    };
  }

  /** REST resources: a known API version and a live bearer token, else Salesforce's answers. */
  private api(request: RecordedRequest, handle: (org: FakeSalesforceOrg) => FakeAnswer): FakeAnswer {
    if (!/^v\d{2,3}\.0$/.test(request.params['version'] ?? '')) return { status: 404, json: ERROR_NOT_FOUND };
    const grant = this.oauth.bearer(request);
    const org = grant ? this.orgs.get(grant.subject['organization_id'] ?? '') : undefined;
    if (!org) return { status: 401, json: ERROR_SESSION };
    return handle(org);
  }

  private query(request: RecordedRequest, org: FakeSalesforceOrg, includeDeleted: boolean): FakeAnswer {
    const text = request.query['q'];
    if (text === undefined || text.trim() === '') return apiError(400, 'MALFORMED_QUERY', 'A query string has to be specified');
    let parsed;
    try {
      parsed = parseSoql(text);
    } catch (error) {
      if (error instanceof SoqlError) return apiError(400, error.errorCode, error.message);
      throw error;
    }
    const query = parsed;
    const candidates = [...org.records.values()]
      .filter((record) => record.type === query.object && (includeDeleted || record.fields['IsDeleted'] !== true))
      .map((record) => record.fields);
    const version = request.params['version'] ?? '';
    const rows = runSoql(query, candidates).map((fields) => view(query.object, fields, query.fields, version));
    const batchSize = this.batchSizeOf(request);
    const locator = rows.length > batchSize ? this.openCursor(org, rows, batchSize) : undefined;
    return page(rows, 0, batchSize, version, locator);
  }

  private more(request: RecordedRequest, org: FakeSalesforceOrg): FakeAnswer {
    const match = /^(01g[A-Za-z0-9]{15})-(\d{1,9})$/.exec(request.params['locator'] ?? '');
    const locator = match?.[1] ?? '';
    const offset = Number(match?.[2] ?? NaN);
    const cursor = this.cursors.get(locator);
    if (!cursor || cursor.organizationId !== org.organizationId || !(offset <= cursor.rows.length)) {
      return apiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    }
    return page(cursor.rows, offset, cursor.batchSize, request.params['version'] ?? '', locator);
  }

  /** `Sforce-Query-Options: batchSize=n` (200 to 2000) is a request Salesforce may honour; the fake does. */
  private batchSizeOf(request: RecordedRequest): number {
    const asked = /batchSize=(\d+)/i.exec(request.headers['sforce-query-options'] ?? '');
    const size = asked ? Number(asked[1]) : NaN;
    return size >= 200 && size <= 2000 ? size : this.batchSize;
  }

  private openCursor(org: FakeSalesforceOrg, rows: Record<string, unknown>[], batchSize: number): string {
    const locator = `01g${randomId(15)}`;
    this.cursors.set(locator, { organizationId: org.organizationId, rows, batchSize });
    return locator;
  }

  private replication(request: RecordedRequest, org: FakeSalesforceOrg, kind: 'updated' | 'deleted'): FakeAnswer {
    const type = fakeSalesforceObject(request.params['type'] ?? '');
    if (!type) return { status: 404, json: ERROR_NOT_FOUND };
    const startText = request.query['start'];
    const endText = request.query['end'];
    if (!startText || !endText) return apiError(400, 'MISSING_ARGUMENT', `the ${startText ? 'end' : 'start'} parameter is required`);
    const start = replicationDate(startText);
    const end = replicationDate(endText);
    if (start === undefined || end === undefined) {
      return apiError(400, 'INVALID_REPLICATION_DATE', 'start and end must be dateTime values such as 2024-05-01T12:30:00+00:00');
    }
    if (start >= end) return apiError(400, 'INVALID_REPLICATION_DATE', 'startDate must chronologically precede endDate');
    const now = this.clock().getTime();
    const days = kind === 'updated' ? 30 : 15;
    // "No more than N days previous to the day the call is executed."
    if (start < Math.floor(now / DAY_MS) * DAY_MS - days * DAY_MS) {
      return apiError(400, 'INVALID_REPLICATION_DATE', `startDate cannot be more than ${days} days ago`);
    }
    const latestDateCovered = salesforceDateTime(new Date(Math.min(end, Math.floor(now / MINUTE_MS) * MINUTE_MS)));
    const within = (date: unknown) => date instanceof Date && date.getTime() >= start && date.getTime() < end;
    if (kind === 'updated') {
      const ids = [...org.records.values()]
        .filter((record) => record.type === type && record.fields['IsDeleted'] !== true && within(record.fields['SystemModstamp']))
        .map((record) => String(record.fields['Id']));
      return { status: 200, json: { ids, latestDateCovered } };
    }
    const deletedRecords = org.deletions
      .filter((deletion) => deletion.type === type && within(deletion.deletedDate))
      .map((deletion) => ({ id: deletion.id, deletedDate: salesforceDateTime(deletion.deletedDate) }));
    return {
      status: 200,
      json: { deletedRecords, earliestDateAvailable: salesforceDateTime(org.earliestDeletedDateAvailable), latestDateCovered },
    };
  }

  /** Sets writable fields by their (case-insensitive) names, and recomputes what Salesforce computes. */
  private write(record: FakeStoredRecord, fields: Record<string, unknown>): void {
    for (const [name, value] of Object.entries(fields)) {
      const field = canonicalFieldName(record.type, name);
      if (!field || field === 'Id' || record.type.computed.includes(field) || SYSTEM_MANAGED.includes(field)) {
        throw new Error(`the Salesforce fake cannot write ${record.type.name}.${name}`);
      }
      record.fields[field] = value;
    }
    if (record.type.computed.includes('Name')) {
      const parts = [record.fields['FirstName'], record.fields['LastName']].filter((part) => typeof part === 'string' && part !== '');
      record.fields['Name'] = parts.join(' ');
    }
  }

  private org(organizationId: string): FakeSalesforceOrg {
    const org = this.orgs.get(organizationId);
    if (!org) throw new Error(`no fake Salesforce org ${organizationId}`);
    return org;
  }

  private stored(organizationId: string, id: string): FakeStoredRecord {
    const record = this.org(organizationId).records.get(id);
    if (!record) throw new Error(`no record ${id} in fake Salesforce org ${organizationId}`);
    return record;
  }
}

const SYSTEM_MANAGED = ['IsDeleted', 'CreatedDate', 'CreatedById', 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'];

/** One batch of a query answer; `nextRecordsUrl` always says `query`, even for `queryAll`. */
function page(rows: readonly Record<string, unknown>[], offset: number, batchSize: number, version: string, locator?: string): FakeAnswer {
  const records = rows.slice(offset, offset + batchSize);
  const next = offset + records.length;
  const done = next >= rows.length;
  return {
    status: 200,
    json: {
      totalSize: rows.length,
      done,
      ...(!done && locator ? { nextRecordsUrl: `/services/data/${version}/query/${locator}-${next}` } : {}),
      records,
    },
  };
}

function view(type: FakeSalesforceObjectType, fields: Record<string, unknown>, selected: readonly string[], version: string): Record<string, unknown> {
  const record: Record<string, unknown> = {
    attributes: { type: type.name, url: `/services/data/${version}/sobjects/${type.name}/${String(fields['Id'])}` },
  };
  for (const field of selected) {
    const value = fields[field];
    record[field] = value instanceof Date ? salesforceDateTime(value) : (value ?? null);
  }
  return record;
}

function refuse(error: string, description: string): FakeAnswer {
  return { status: 400, json: { error, error_description: description } };
}

function apiError(status: number, errorCode: string, message: string): FakeAnswer {
  return { status, json: [{ message, errorCode }] };
}

/**
 * The REST API's dateTime formats (`yyyy-MM-ddTHH:mm:ss[.SSS]` then `Z` or `±HH:mm`), seconds
 * ignored (12:30:15 is 12:30:00): epoch ms, or undefined.
 */
function replicationDate(text: string): number | undefined {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}):\d{2}(?:\.\d{3})?(Z|[+-]\d{2}:\d{2})$/.exec(text);
  if (!match) return undefined;
  const time = Date.parse(`${match[1]}:00${match[2] ?? ''}`);
  return Number.isFinite(time) ? time : undefined;
}

/** An 18-character id: key prefix, 12 random characters, and the case-encoding suffix. */
function salesforceId(keyPrefix: string): string {
  const id = `${keyPrefix}${randomId(12)}`;
  let suffix = '';
  for (let block = 0; block < 15; block += 5) {
    let bits = 0;
    [...id.slice(block, block + 5)].forEach((character, index) => {
      if (/[A-Z]/.test(character)) bits += 2 ** index;
    });
    suffix += 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345'.charAt(bits);
  }
  return id + suffix;
}

function randomId(length: number): string {
  return [...randomBytes(length)].map((byte) => BASE62.charAt(byte % 62)).join('');
}
