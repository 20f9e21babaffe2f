import { randomInt, randomUUID } from 'node:crypto';
import { FakeAnswer, RecordedRequest } from '../fake-http-server';
import { FakeProvider } from '../fake-provider';
import { FakeOAuthApp, FakeTokenGrant } from '../fake-oauth-authority';
import { FakeHubSpotObjectType, FakeHubSpotRecord, fakeHubSpotObjectType, searchRecords, validationError } from './fake-hubspot-crm';
import { SignedHubSpotWebhook, signedLegacyWebhook, signedV3Webhook } from './hubspot-webhook-signer';

/** One webhook event, as HubSpot puts it in the array it posts. */
export type FakeHubSpotEvent = Record<string, unknown>;

export interface FakeHubSpotPortal {
  readonly portalId: number;
  readonly hubDomain: string;
  readonly user: string;
  readonly userId: number;
  readonly appId: number;
  /** object name → id → record */
  readonly records: Map<string, Map<string, FakeHubSpotRecord>>;
}

export const FAKE_HUBSPOT_WEBHOOK_URL = 'https://events.example.com/elements/api-v2/events/hubspot';

const SCOPES = ['oauth', 'crm.objects.contacts.read', 'crm.objects.companies.read', 'crm.objects.deals.read', 'tickets'];

/**
 * A fake of the HubSpot API parts the connector uses: `/oauth/v1/token` (refusals worded
 * `{"status":"BAD_AUTH_CODE","message":…}`), `/oauth/v1/access-tokens/{token}`, CRM search with
 * its filters, sort, limits and paging; records that change queue the webhook events HubSpot
 * would send, and the calls can be signed in v3, v2 or v1.
 */
export class FakeHubSpot extends FakeProvider {
  /** The time records change at and events occur at; tests move it. */
  now: () => Date = () => new Date();
  /** `generic` queues `object.*` events with `objectTypeId`, as the 2024+ subscriptions do. */
  subscriptionStyle: 'legacy' | 'generic' = 'legacy';
  /** False makes `/oauth/v1/access-tokens/{token}` fail, as during a HubSpot outage. */
  accessTokenInfoAvailable = true;
  private readonly apps = new Map<string, { app: FakeOAuthApp; appId: number }>();
  private readonly portals = new Map<number, FakeHubSpotPortal>();
  private readonly subscriptionIds = new Map<string, number>();
  private queued: FakeHubSpotEvent[] = [];
  // Random: oc.instances.v1 is compacted, so every earlier run's instances stay on the shared
  // broker, and a portal id reused across runs would route a webhook to all of them.
  private nextPortalId = randomInt(10_000_000, 90_000_000);
  private nextRecordId = 151;
  private nextEventId = 3816279340;
  private nextAppId = 1160452;

  constructor() {
    // Rotation is the stricter reading (third-party guides say the old refresh token stops
    // working; HubSpot's reference does not say): a client must keep the one it is given.
    super('HubSpot', { accessTokenTtlSeconds: 1800, rotateRefreshTokens: true, tokenPrefix: 'CN' });
    this.server
      .route('POST', '/oauth/v1/token', (r) => this.token(r))
      .route('GET', '/oauth/v1/access-tokens/:token', (r) => this.accessTokenInfo(r))
      .route('POST', '/crm/v3/objects/:object/search', (r) => this.authenticated(r, (portal) => this.search(portal, r)));
  }

  override registerApp(app: FakeOAuthApp): FakeOAuthApp {
    this.apps.set(app.clientId, { app, appId: this.nextAppId++ });
    return super.registerApp(app);
  }

  /** A HubSpot user installs the app into a new portal: the portal, and the code for the redirect. */
  installApp(clientId: string): { portal: FakeHubSpotPortal; code: string } {
    const registered = this.apps.get(clientId);
    if (!registered) throw new Error(`no fake HubSpot app ${clientId}`);
    const portalId = this.nextPortalId++;
    const portal: FakeHubSpotPortal = {
      portalId,
      hubDomain: `portal-${portalId}.example.com`,
      user: `admin@portal-${portalId}.example.com`,
      userId: 9000 + portalId,
      appId: registered.appId,
      records: new Map(),
    };
    this.portals.set(portalId, portal);
    return { portal, code: this.oauth.issueCode(clientId, { hub_id: String(portalId) }) };
  }

  portal(portalId: number): FakeHubSpotPortal {
    const portal = this.portals.get(portalId);
    if (!portal) throw new Error(`no fake HubSpot portal ${portalId}`);
    return portal;
  }

  /** Creates a record (dated `now()` unless `at` is given) and queues its `*.creation` event. */
  createRecord(portalId: number, object: string, properties: Record<string, string> = {}, at: Date = this.now()): FakeHubSpotRecord {
    const type = this.type(object);
    const id = String(this.nextRecordId++);
    const iso = at.toISOString();
    const record: FakeHubSpotRecord = {
      id,
      properties: { ...properties, createdate: iso, [type.lastModifiedProperty]: iso, hs_object_id: id },
      createdAt: iso,
      updatedAt: iso,
      archived: false,
    };
    this.recordsOf(portalId, object).set(id, record);
    this.queue(portalId, type, 'creation', id, at, { changeFlag: 'NEW' });
    return record;
  }

  /** Changes properties and queues one `*.propertyChange` event per property, as HubSpot does. */
  updateRecord(portalId: number, object: string, id: string, properties: Record<string, string>, at: Date = this.now()): FakeHubSpotRecord {
    const type = this.type(object);
    const record = this.record(portalId, object, id);
    const iso = at.toISOString();
    Object.assign(record.properties, properties, { [type.lastModifiedProperty]: iso });
    record.updatedAt = iso;
    for (const [propertyName, propertyValue] of Object.entries(properties)) {
      this.queue(portalId, type, 'propertyChange', id, at, { propertyName, propertyValue });
    }
    return record;
  }

  /** Archives a record (search no longer finds it) and queues its `*.deletion` event. */
  deleteRecord(portalId: number, object: string, id: string, at: Date = this.now()): void {
    const type = this.type(object);
    const record = this.record(portalId, object, id);
    record.archived = true;
    record.updatedAt = at.toISOString();
    this.queue(portalId, type, 'deletion', id, at, { changeFlag: 'DELETED' });
  }

  /** The events queued since the last call, for every portal (one app target URL receives them all). */
  takeEvents(): FakeHubSpotEvent[] {
    const events = this.queued;
    this.queued = [];
    return events;
  }

  /** A v3-signed call (with the v1 signature alongside); `timestamp` defaults to `now()`. */
  webhookV3(
    clientSecret: string,
    options: { events?: readonly FakeHubSpotEvent[]; url?: string; timestamp?: Date | number } = {},
  ): SignedHubSpotWebhook {
    const timestamp = options.timestamp ?? this.now();
    const ms = timestamp instanceof Date ? timestamp.getTime() : timestamp;
    return signedV3Webhook(clientSecret, options.url ?? FAKE_HUBSPOT_WEBHOOK_URL, this.body(options.events), ms);
  }

  webhookV2(clientSecret: string, options: { events?: readonly FakeHubSpotEvent[]; url?: string } = {}): SignedHubSpotWebhook {
    return signedLegacyWebhook(clientSecret, 'v2', options.url ?? FAKE_HUBSPOT_WEBHOOK_URL, this.body(options.events));
  }

  webhookV1(clientSecret: string, options: { events?: readonly FakeHubSpotEvent[]; url?: string } = {}): SignedHubSpotWebhook {
    return signedLegacyWebhook(clientSecret, 'v1', options.url ?? FAKE_HUBSPOT_WEBHOOK_URL, this.body(options.events));
  }

  private body(events: readonly FakeHubSpotEvent[] | undefined): string {
    return JSON.stringify(events ?? this.takeEvents());
  }

  private queue(
    portalId: number,
    type: FakeHubSpotObjectType,
    action: string,
    id: string,
    at: Date,
    extra: Record<string, unknown>,
  ): void {
    const generic = this.subscriptionStyle === 'generic';
    const subscriptionType = `${generic ? 'object' : type.singular}.${action}`;
    const subscriptionKey = generic ? `${subscriptionType}:${type.objectTypeId}` : subscriptionType;
    let subscriptionId = this.subscriptionIds.get(subscriptionKey);
    if (subscriptionId === undefined) {
      subscriptionId = this.subscriptionIds.size + 25;
      this.subscriptionIds.set(subscriptionKey, subscriptionId);
    }
    this.queued.push({
      eventId: this.nextEventId++,
      subscriptionId,
      portalId,
      appId: this.portal(portalId).appId,
      occurredAt: at.getTime(),
      subscriptionType,
      attemptNumber: 0,
      objectId: Number(id),
      changeSource: 'CRM',
      ...(generic ? { objectTypeId: type.objectTypeId } : {}),
      ...extra,
    });
  }

  private type(object: string): FakeHubSpotObjectType {
    const type = fakeHubSpotObjectType(object);
    if (!type) throw new Error(`the HubSpot fake has no object type ${object}`);
    return type;
  }

  private recordsOf(portalId: number, object: string): Map<string, FakeHubSpotRecord> {
    const portal = this.portal(portalId);
    let records = portal.records.get(object);
    if (!records) {
      records = new Map();
      portal.records.set(object, records);
    }
    return records;
  }

  private record(portalId: number, object: string, id: string): FakeHubSpotRecord {
    const record = this.recordsOf(portalId, object).get(id);
    if (!record) throw new Error(`no ${object} ${id} in fake HubSpot portal ${portalId}`);
    return record;
  }

  /** HubSpot words token refusals as `{status, message, correlationId}`, always with 400. */
  private token(request: RecordedRequest): FakeAnswer {
    const outcome = this.oauth.token(request);
    if (!outcome.ok) {
      const form = request.form ?? {};
      const refusal = (status: string, message: string): FakeAnswer => ({
        status: 400,
        json: { status, message, correlationId: randomUUID() },
      });
      switch (outcome.refusal.error) {
        case 'invalid_client':
          return this.apps.has(form['client_id'] ?? '')
            ? refusal('BAD_CLIENT_SECRET', 'missing or invalid client secret')
            : refusal('BAD_CLIENT_ID', 'missing or invalid client id');
        case 'invalid_grant':
          if (form['grant_type'] === 'refresh_token') return refusal('BAD_REFRESH_TOKEN', 'missing or invalid refresh token');
          if (outcome.refusal.description.includes('redirect_uri')) {
            return refusal('BAD_REDIRECT_URI', 'redirect_uri does not match initial auth code URL');
          }
          return refusal('BAD_AUTH_CODE', 'missing or unknown auth code');
        default:
          return refusal('BAD_GRANT_TYPE', 'missing or unknown grant type');
      }
    }
    const { grant } = outcome;
    return {
      status: 200,
      json: {
        token_type: 'bearer',
        refresh_token: grant.refreshToken,
        access_token: grant.accessToken,
        expires_in: grant.expiresIn,
        // Added to token responses in August 2025.
        hub_id: Number(grant.subject['hub_id']),
        scopes: SCOPES,
      },
    };
  }

  private accessTokenInfo(request: RecordedRequest): FakeAnswer {
    if (!this.accessTokenInfoAvailable) {
      return { status: 503, json: { status: 'error', message: 'Service Unavailable', correlationId: randomUUID(), category: 'SERVICE_UNAVAILABLE' } };
    }
    const token = request.params['token'] ?? '';
    const grant = this.oauth.grantOf(token);
    const portal = grant ? this.portals.get(Number(grant.subject['hub_id'])) : undefined;
    if (!grant || !portal) {
      return { status: 404, json: { status: 'error', message: 'Token not found', correlationId: randomUUID(), category: 'OBJECT_NOT_FOUND' } };
    }
    return {
      status: 200,
      json: {
        token,
        user: portal.user,
        hub_domain: portal.hubDomain,
        scopes: SCOPES,
        hub_id: portal.portalId,
        app_id: portal.appId,
        expires_in: grant.expiresIn,
        user_id: portal.userId,
        token_type: 'access',
      },
    };
  }

  private authenticated(request: RecordedRequest, handle: (portal: FakeHubSpotPortal) => FakeAnswer): FakeAnswer {
    const grant: FakeTokenGrant | undefined = this.oauth.bearer(request);
    const portal = grant ? this.portals.get(Number(grant.subject['hub_id'])) : undefined;
    if (!portal) {
      return {
        status: 401,
        json: {
          status: 'error',
          message:
            'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
          correlationId: randomUUID(),
          category: 'INVALID_AUTHENTICATION',
        },
      };
    }
    return handle(portal);
  }

  private search(portal: FakeHubSpotPortal, request: RecordedRequest): FakeAnswer {
    const object = request.params['object'] ?? '';
    const type = fakeHubSpotObjectType(object);
    if (!type) return validationError(`Unable to infer object type from: ${object}`);
    if (!request.headers['content-type']?.startsWith('application/json')) {
      return { status: 415, json: { status: 'error', message: 'Unsupported Media Type', correlationId: randomUUID() } };
    }
    return searchRecords(type, portal.records.get(object)?.values() ?? [], request.json);
  }
}
