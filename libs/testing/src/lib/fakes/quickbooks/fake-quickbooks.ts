import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { FakeAnswer, RecordedRequest } from '../fake-http-server';
import { FakeProvider } from '../fake-provider';

/** What can happen to an entity, as Intuit names it in legacy webhook bodies. */
export type FakeQuickBooksOperation = 'Create' | 'Update' | 'Delete' | 'Merge' | 'Void' | 'Emailed';

/** One change, as queued for the next webhook delivery. */
export interface FakeQuickBooksChange {
  readonly realmId: string;
  /** Entity name as Intuit spells it: `Customer`, `SalesReceipt`… */
  readonly name: string;
  readonly id: string;
  readonly operation: FakeQuickBooksOperation;
  readonly at: Date;
  /** Merges: the entity merged away. */
  readonly deletedId?: string;
}

/** A signed webhook call, ready for `sendWebhook` or `inboundWebhook`. */
export interface SignedQuickBooksWebhook {
  readonly body: string;
  readonly headers: Record<string, string>;
}

interface StoredEntity {
  readonly name: string;
  readonly id: string;
  record: Record<string, unknown>;
  readonly createdAt: Date;
  updatedAt: Date;
  deleted: boolean;
}

interface FakeCompany {
  readonly realmId: string;
  /** `Name:Id` → the entity's latest state; deleted entities stay, marked, for CDC. */
  readonly entities: Map<string, StoredEntity>;
  nextId: number;
}

/** Entities Change Data Capture answers for (JournalCode, TimeActivity and the tax entities are not supported). */
const CDC_ENTITIES = [
  'Account', 'Bill', 'BillPayment', 'Budget', 'Class', 'CreditMemo', 'Currency', 'Customer', 'Department',
  'Deposit', 'Employee', 'Estimate', 'Invoice', 'Item', 'JournalEntry', 'Payment', 'PaymentMethod',
  'Purchase', 'PurchaseOrder', 'RefundReceipt', 'SalesReceipt', 'Term', 'Transfer', 'Vendor', 'VendorCredit',
];
const CDC_LOOKBACK_MS = 30 * 24 * 3600 * 1000;
const CDC_MAX_OBJECTS = 1000;

const PAST_TENSE: Record<FakeQuickBooksOperation, string> = {
  Create: 'created',
  Update: 'updated',
  Delete: 'deleted',
  Merge: 'merged',
  Void: 'voided',
  Emailed: 'emailed',
};

/**
 * A fake of the QuickBooks Online parts the connector uses: Intuit's token endpoint
 * (`/oauth2/v1/tokens/bearer`, Basic client auth, rotating refresh tokens, `{"error":…}`
 * refusals), Change Data Capture (`/v3/company/{realmId}/cdc`: bearer per company, 30-day
 * look-back, 1,000 objects, deleted entities as `status: Deleted`, Intuit's fault bodies), and
 * webhook deliveries in both formats, signed with the app's verifier token.
 */
export class FakeQuickBooks extends FakeProvider {
  /** The company's time zone for the dates in answers, minutes east of UTC (US Pacific, summer). */
  utcOffsetMinutes = -420;
  clock: () => Date = () => new Date();
  private readonly companies = new Map<string, FakeCompany>();
  private pending: FakeQuickBooksChange[] = [];
  /** CloudEvents `source`: one per app registration at Intuit. */
  private readonly source = `intuit.${randomBytes(32).toString('base64')}`;

  constructor() {
    super('QuickBooks', { accessTokenTtlSeconds: 3600, rotateRefreshTokens: true, tokenPrefix: 'qbo.' });
    this.server
      .route('POST', '/oauth2/v1/tokens/bearer', (r) => this.token(r))
      .route('GET', '/v3/company/:realmId/cdc', (r) => this.changeDataCapture(r));
  }

  /** A user connects a company to the app: its realm id and the code sent on the redirect with it. */
  connectCompany(clientId: string): { realmId: string; code: string } {
    const realmId = `9341${Array.from(randomBytes(12), (byte) => String(byte % 10)).join('')}`;
    this.companies.set(realmId, { realmId, entities: new Map(), nextId: 1 });
    return { realmId, code: this.oauth.issueCode(clientId, { realmId }) };
  }

  createEntity(realmId: string, name: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
    const company = this.company(realmId);
    const id = String(company.nextId++);
    const now = this.clock();
    const stored: StoredEntity = { name, id, record: {}, createdAt: now, updatedAt: now, deleted: false };
    stored.record = { ...fields, Id: id, SyncToken: '0', domain: 'QBO', sparse: false, MetaData: this.metaData(stored) };
    company.entities.set(`${name}:${id}`, stored);
    this.queue({ realmId, name, id, operation: 'Create', at: now });
    return stored.record;
  }

  /** An update, or a void or an email of a transaction: the entity changes and still exists. */
  updateEntity(
    realmId: string,
    name: string,
    id: string,
    fields: Record<string, unknown> = {},
    operation: 'Update' | 'Void' | 'Emailed' = 'Update',
  ): Record<string, unknown> {
    const stored = this.live(realmId, name, id);
    stored.updatedAt = this.clock();
    stored.record = {
      ...stored.record,
      ...fields,
      SyncToken: String(Number(stored.record['SyncToken'] ?? 0) + 1),
      MetaData: this.metaData(stored),
    };
    this.queue({ realmId, name, id, operation, at: stored.updatedAt });
    return stored.record;
  }

  deleteEntity(realmId: string, name: string, id: string): void {
    const stored = this.live(realmId, name, id);
    stored.deleted = true;
    stored.updatedAt = this.clock();
    this.queue({ realmId, name, id, operation: 'Delete', at: stored.updatedAt });
  }

  /** Merges `mergedAwayId` into `survivorId` (customers, vendors, accounts…); the loser is deleted. */
  mergeEntities(realmId: string, name: string, survivorId: string, mergedAwayId: string): void {
    const survivor = this.live(realmId, name, survivorId);
    const loser = this.live(realmId, name, mergedAwayId);
    const now = this.clock();
    loser.deleted = true;
    loser.updatedAt = now;
    survivor.updatedAt = now;
    survivor.record = { ...survivor.record, MetaData: this.metaData(survivor) };
    this.queue({ realmId, name, id: survivorId, operation: 'Merge', at: now, deletedId: mergedAwayId });
  }

  /** The changes not yet delivered, removed from the queue. */
  takeChanges(): FakeQuickBooksChange[] {
    const changes = this.pending;
    this.pending = [];
    return changes;
  }

  /** A legacy `eventNotifications` delivery (one item per company), signed with the verifier token. */
  legacyWebhook(verifierToken: string, changes: readonly FakeQuickBooksChange[] = this.takeChanges()): SignedQuickBooksWebhook {
    const byRealm = new Map<string, FakeQuickBooksChange[]>();
    for (const change of changes) byRealm.set(change.realmId, [...(byRealm.get(change.realmId) ?? []), change]);
    const body = JSON.stringify({
      eventNotifications: [...byRealm].map(([realmId, entities]) => ({
        realmId,
        dataChangeEvent: {
          entities: entities.map((change) => ({
            name: change.name,
            id: change.id,
            operation: change.operation,
            lastUpdated: this.intuitTime(change.at, { compactOffset: true }),
          })),
        },
      })),
    });
    return signedWebhook(body, verifierToken);
  }

  /**
   * A CloudEvents delivery, signed with the verifier token. As in Intuit's examples, `data` (and
   * `datacontenttype`) come with creations (empty) and merges (`deletedid`) and are absent otherwise.
   */
  cloudEventsWebhook(verifierToken: string, changes: readonly FakeQuickBooksChange[] = this.takeChanges()): SignedQuickBooksWebhook {
    const events = changes.map((change) => {
      const data =
        change.operation === 'Merge' ? { deletedid: change.deletedId } : change.operation === 'Create' ? {} : undefined;
      return {
        specversion: '1.0',
        id: `${randomUUID()}-${change.name}-${change.id}`,
        source: this.source,
        type: `qbo.${change.name.toLowerCase()}.${PAST_TENSE[change.operation]}.v1`,
        ...(data ? { datacontenttype: 'application/json' } : {}),
        time: change.at.toISOString(),
        intuitentityid: change.id,
        intuitaccountid: change.realmId,
        ...(data ? { data } : {}),
      };
    });
    return signedWebhook(JSON.stringify(events), verifierToken);
  }

  private queue(change: FakeQuickBooksChange): void {
    this.pending.push(change);
  }

  private company(realmId: string): FakeCompany {
    const company = this.companies.get(realmId);
    if (!company) throw new Error(`no fake QuickBooks company ${realmId}`);
    return company;
  }

  private live(realmId: string, name: string, id: string): StoredEntity {
    const stored = this.company(realmId).entities.get(`${name}:${id}`);
    if (!stored || stored.deleted) throw new Error(`no ${name} ${id} in fake QuickBooks company ${realmId}`);
    return stored;
  }

  private metaData(stored: StoredEntity): Record<string, string> {
    return { CreateTime: this.intuitTime(stored.createdAt), LastUpdatedTime: this.intuitTime(stored.updatedAt) };
  }

  /** Intuit's token endpoint: Basic client authentication only; refusals are a bare `{"error": …}`. */
  private token(request: RecordedRequest): FakeAnswer {
    if (!/^Basic /i.test(request.headers['authorization'] ?? '')) {
      return { status: 401, json: { error: 'invalid_client' } };
    }
    const outcome = this.oauth.token(request);
    if (!outcome.ok) return { status: outcome.refusal.status, json: { error: outcome.refusal.error } };
    const { grant } = outcome;
    return {
      status: 200,
      json: {
        token_type: 'bearer',
        expires_in: grant.expiresIn,
        refresh_token: grant.refreshToken,
        x_refresh_token_expires_in: 8_726_400,
        access_token: grant.accessToken,
      },
    };
  }

  private changeDataCapture(request: RecordedRequest): FakeAnswer {
    const grant = this.oauth.bearer(request);
    if (!grant) return serviceFault(401, 'AuthenticationFailed', '3200', 'AUTHENTICATION', 'Token expired or invalid', this.clock());
    const realmId = request.params['realmId'] ?? '';
    if (grant.subject['realmId'] !== realmId) {
      return serviceFault(403, 'ApplicationAuthorizationFailed', '3100', 'SERVICE', null, this.clock());
    }
    const company = this.company(realmId);
    const names: string[] = [];
    for (const part of (request.query['entities'] ?? '').split(',')) {
      if (part.trim() === '') continue;
      const name = CDC_ENTITIES.find((entity) => entity.toLowerCase() === part.trim().toLowerCase());
      if (!name) return this.validationFault('Request has invalid or unsupported property', `Unsupported entity for cdc: ${part.trim()}`);
      if (!names.includes(name)) names.push(name);
    }
    if (names.length === 0) return this.validationFault('Request has invalid or unsupported property', 'entities is required');
    const changedSinceText = request.query['changedSince'];
    if (!changedSinceText) return this.validationFault('Request has invalid or unsupported property', 'changedSince is required');
    const changedSince = Date.parse(changedSinceText.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
    if (!Number.isFinite(changedSince) || !/^\d{4}-\d{2}-\d{2}/.test(changedSinceText)) {
      return this.validationFault('Request has invalid or unsupported property', `changedSince ${changedSinceText} is not a date`);
    }
    if (this.clock().getTime() - changedSince > CDC_LOOKBACK_MS) {
      return this.validationFault(
        'Request has invalid or unsupported property',
        `Operation cdc with changedSince date ${changedSinceText} which is older than fixed days is not supported.`,
      );
    }
    let budget = CDC_MAX_OBJECTS;
    const responses = names.map((name) => {
      const changed = [...company.entities.values()]
        .filter((entity) => entity.name === name && entity.updatedAt.getTime() >= changedSince)
        // Grouped by type, ordered by last update, deleted objects after the active ones.
        .sort((a, b) => Number(a.deleted) - Number(b.deleted) || a.updatedAt.getTime() - b.updatedAt.getTime())
        .slice(0, budget);
      budget -= changed.length;
      if (changed.length === 0) return {};
      const records = changed.map((entity) =>
        entity.deleted
          ? { status: 'Deleted', domain: 'QBO', Id: entity.id, MetaData: { LastUpdatedTime: this.intuitTime(entity.updatedAt) } }
          : entity.record,
      );
      return { [name]: records, startPosition: 1, maxResults: records.length, totalCount: records.length };
    });
    return {
      status: 200,
      headers: { intuit_tid: randomUUID() },
      json: { CDCResponse: [{ QueryResponse: responses }], time: this.intuitTime(this.clock(), { milliseconds: true }) },
    };
  }

  /** Intuit's request validation fault (`Fault`, capitalized, unlike the authentication fault). */
  private validationFault(message: string, detail: string): FakeAnswer {
    return {
      status: 400,
      headers: { intuit_tid: randomUUID() },
      json: {
        Fault: { Error: [{ Message: message, Detail: detail, code: '2010' }], type: 'ValidationFault' },
        time: this.intuitTime(this.clock(), { milliseconds: true }),
      },
    };
  }

  /** `2015-12-23T12:55:50-08:00` in the company's time zone (`-0800` in legacy webhooks). */
  private intuitTime(date: Date, options: { milliseconds?: boolean; compactOffset?: boolean } = {}): string {
    const local = new Date(date.getTime() + this.utcOffsetMinutes * 60_000).toISOString();
    const clock = options.milliseconds ? local.slice(0, 23) : local.slice(0, 19);
    const sign = this.utcOffsetMinutes < 0 ? '-' : '+';
    const hours = String(Math.floor(Math.abs(this.utcOffsetMinutes) / 60)).padStart(2, '0');
    const minutes = String(Math.abs(this.utcOffsetMinutes) % 60).padStart(2, '0');
    return `${clock}${sign}${hours}${options.compactOffset ? '' : ':'}${minutes}`;
  }
}

/** Signs a body as Intuit does: base64 HMAC-SHA256 of the exact bytes, keyed with the verifier token. */
export function signedWebhook(body: string, verifierToken: string): SignedQuickBooksWebhook {
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'intuit-signature': createHmac('sha256', verifierToken).update(body).digest('base64'),
    },
  };
}

/**
 * The fault the accounting API answers for a refused token (401) or a token of another company
 * (403), as Intuit's Java stack serializes it: lower-case `fault`, epoch `time`.
 */
function serviceFault(
  status: 401 | 403,
  reason: string,
  code: string,
  type: string,
  detail: string | null,
  now: Date,
): FakeAnswer {
  return {
    status,
    headers: { intuit_tid: randomUUID() },
    json: {
      warnings: null,
      intuitObject: null,
      fault: {
        error: [{ message: `message=${reason}; errorCode=00${code}; statusCode=${status}`, detail, code, element: null }],
        type,
      },
      report: null,
      queryResponse: null,
      batchItemResponse: [],
      attachableResponse: [],
      syncErrorResponse: null,
      requestId: null,
      time: now.getTime(),
      status: null,
      cdcresponse: [],
    },
  };
}
