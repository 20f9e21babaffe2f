import { randomBytes, randomUUID } from 'node:crypto';
import { request } from 'undici';
import { FakeAnswer, RecordedRequest } from '../fake-http-server';
import { FakeProvider } from '../fake-provider';
import { FakeOAuthApp, FakeTokenGrant, FakeTokenRefusal } from '../fake-oauth-authority';
import { aadError, graphAnswer, graphError } from './graph-error-bodies';
import {
  FakeGraphSubscription,
  GraphChangeNotificationCollection,
  GraphLifecycleEvent,
  changeNotification,
  changeNotificationCollection,
  lifecycleNotification,
} from './graph-notification-bodies';

export interface FakeMicrosoftGraphOptions {
  /** Real Graph refuses plain-HTTP notification URLs; tests listen on http://127.0.0.1. */
  readonly allowHttp?: boolean;
  /** How long Graph waits for the validation answer (10 s, as documented). */
  readonly validationTimeoutMs?: number;
}

export interface FakeGraphUser {
  readonly id: string;
  readonly userPrincipalName: string;
  readonly displayName: string;
}

/** One validation request the fake sent, and what came back. */
export interface FakeGraphValidation {
  readonly url: string;
  readonly token: string;
  readonly status?: number;
  readonly body?: string;
}

const CHANGE_TYPES = new Set(['created', 'updated', 'deleted']);
const MAX_CLIENT_STATE_LENGTH = 128;
/** Permissions the fake tenant granted the app; what `.default` expands to. */
const GRANTED_SCOPES = ['Calendars.Read', 'Contacts.Read', 'Mail.Read', 'User.Read'].map((s) => `https://graph.microsoft.com/${s}`);
const OIDC_SCOPES = new Set(['offline_access', 'openid', 'profile', 'email']);

/**
 * A fake of the Microsoft identity platform token endpoint and the Graph v1.0 parts the
 * connector uses: `POST /{tenant}/oauth2/v2.0/token` (AADSTS errors, rotating refresh tokens),
 * `GET /v1.0/me`, and `/v1.0/subscriptions`, which — like Graph — validates the notification
 * and lifecycle URLs with a `?validationToken=` POST before it answers, and enforces
 * lifetimes, clientState and uniqueness. It also sends change and lifecycle notifications.
 */
export class FakeMicrosoftGraph extends FakeProvider {
  readonly tenantId = randomUUID();
  readonly tenantDomain = 'contoso.onmicrosoft.com';
  readonly validations: FakeGraphValidation[] = [];
  private readonly apps = new Map<string, FakeOAuthApp>();
  private readonly users = new Map<string, FakeGraphUser>();
  private readonly subscriptionsById = new Map<string, FakeGraphSubscription>();
  private readonly allowHttp: boolean;
  private readonly validationTimeoutMs: number;

  constructor(options: FakeMicrosoftGraphOptions = {}) {
    super('Microsoft Graph', { accessTokenTtlSeconds: 3599, rotateRefreshTokens: true, tokenPrefix: 'eyJ0eXAi.' });
    this.allowHttp = options.allowHttp ?? false;
    this.validationTimeoutMs = options.validationTimeoutMs ?? 10_000;
    this.server
      .route('POST', '/:tenant/oauth2/v2.0/token', (r) => this.token(r))
      .route('GET', '/v1.0/me', (r) => this.authorized(r, (grant) => this.me(grant)))
      .route('POST', '/v1.0/subscriptions', (r) => this.authorized(r, (grant) => this.createSubscription(r, grant)))
      .route('GET', '/v1.0/subscriptions', (r) => this.authorized(r, (grant) => this.listSubscriptions(grant)))
      .route('GET', '/v1.0/subscriptions/:id', (r) => this.authorized(r, (grant) => this.getSubscription(r, grant)))
      .route('PATCH', '/v1.0/subscriptions/:id', (r) => this.authorized(r, (grant) => this.renewSubscription(r, grant)))
      .route('DELETE', '/v1.0/subscriptions/:id', (r) => this.authorized(r, (grant) => this.deleteSubscription(r, grant)));
  }

  override registerApp(app: FakeOAuthApp): FakeOAuthApp {
    this.apps.set(app.clientId, app);
    return super.registerApp(app);
  }

  /** A user of the fake tenant who consents to the app: the user and the code for the redirect. */
  linkUser(clientId: string, name = 'Adele Vance'): { user: FakeGraphUser; code: string } {
    const id = randomUUID();
    const alias = `${name.replace(/\W+/g, '').slice(0, 12) || 'user'}.${id.slice(0, 4)}`;
    const user: FakeGraphUser = { id, userPrincipalName: `${alias}@${this.tenantDomain}`, displayName: name };
    this.users.set(id, user);
    return { user, code: this.oauth.issueCode(clientId, { user_id: id, tenant_id: this.tenantId }) };
  }

  subscription(id: string): FakeGraphSubscription | undefined {
    const found = this.subscriptionsById.get(id);
    if (found && Date.parse(found.expirationDateTime) <= Date.now()) {
      // Graph deletes expired subscriptions.
      this.subscriptionsById.delete(id);
      return undefined;
    }
    return found;
  }

  get subscriptions(): FakeGraphSubscription[] {
    return [...this.subscriptionsById.keys()].flatMap((id) => this.subscription(id) ?? []);
  }

  /** The body Graph would POST for one change, without sending it. */
  notificationBody(subscriptionId: string, changeType: string, resourceId: string): GraphChangeNotificationCollection {
    return changeNotificationCollection(changeNotification(this.existing(subscriptionId), changeType, resourceId));
  }

  lifecycleBody(subscriptionId: string, event: GraphLifecycleEvent): GraphChangeNotificationCollection {
    return changeNotificationCollection(lifecycleNotification(this.existing(subscriptionId), event));
  }

  /** POSTs a change notification to the subscription's notification URL; returns the status. */
  notify(subscriptionId: string, changeType: string, resourceId: string): Promise<number> {
    const subscription = this.existing(subscriptionId);
    return this.deliver(subscription.notificationUrl, this.notificationBody(subscriptionId, changeType, resourceId));
  }

  /** POSTs a lifecycle notification to the lifecycle URL; `subscriptionRemoved` also removes it here. */
  async lifecycle(subscriptionId: string, event: GraphLifecycleEvent): Promise<number> {
    const subscription = this.existing(subscriptionId);
    if (!subscription.lifecycleNotificationUrl) {
      throw new Error(`fake Graph subscription ${subscriptionId} has no lifecycleNotificationUrl`);
    }
    const status = await this.deliver(subscription.lifecycleNotificationUrl, this.lifecycleBody(subscriptionId, event));
    if (event === 'subscriptionRemoved') this.subscriptionsById.delete(subscriptionId);
    return status;
  }

  private existing(subscriptionId: string): FakeGraphSubscription {
    const subscription = this.subscription(subscriptionId);
    if (!subscription) throw new Error(`no fake Graph subscription ${subscriptionId}`);
    return subscription;
  }

  private async deliver(url: string, body: GraphChangeNotificationCollection): Promise<number> {
    const answer = await request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.validationTimeoutMs),
    });
    await answer.body.dump();
    return answer.statusCode;
  }

  // --- token endpoint -------------------------------------------------------------------------

  private token(request: RecordedRequest): FakeAnswer {
    const tenant = request.params['tenant'] ?? '';
    if (!['common', 'organizations', this.tenantId, this.tenantDomain].includes(tenant)) {
      return aadError(400, 'invalid_request', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);
    }
    const form = request.form;
    if (!form) return aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'grant_type'.");
    const missing = this.missingParameter(request, form);
    if (missing) return missing;
    const outcome = this.oauth.token(request);
    if (!outcome.ok) return this.refusal(outcome.refusal, form);
    const scope = form['scope'] ?? '';
    const refresh = form['grant_type'] === 'refresh_token' || scope.split(' ').includes('offline_access');
    return {
      status: 200,
      json: {
        token_type: 'Bearer',
        scope: grantedScope(scope),
        expires_in: outcome.grant.expiresIn,
        ext_expires_in: outcome.grant.expiresIn,
        access_token: outcome.grant.accessToken,
        // Without offline_access the identity platform issues no refresh token.
        ...(refresh ? { refresh_token: outcome.grant.refreshToken } : {}),
      },
    };
  }

  private missingParameter(request: RecordedRequest, form: Record<string, string>): FakeAnswer | undefined {
    const grant = form['grant_type'];
    const basic = /^Basic /i.test(request.headers['authorization'] ?? '');
    const required = ['grant_type', ...(basic ? [] : ['client_id'])];
    if (grant === 'authorization_code') required.push('code', 'redirect_uri');
    if (grant === 'refresh_token') required.push('refresh_token', 'scope');
    const absent = required.find((name) => !form[name]);
    if (absent) return aadError(400, 'invalid_request', 900144, `The request body must contain the following parameter: '${absent}'.`);
    const clientId = form['client_id'];
    if (!basic && clientId && !this.apps.has(clientId)) {
      return aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId}' was not found in the directory '${this.tenantDomain}'.`);
    }
    if (!basic && !form['client_secret']) {
      return aadError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
    }
    return undefined;
  }

  private refusal(refusal: FakeTokenRefusal, form: Record<string, string>): FakeAnswer {
    switch (refusal.error) {
      case 'invalid_client':
        return aadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${form['client_id'] ?? ''}'.`);
      case 'unsupported_grant_type':
        return aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${form['grant_type'] ?? ''}'.`);
      case 'invalid_grant':
        if (form['grant_type'] === 'refresh_token') {
          return aadError(400, 'invalid_grant', 70000, "The provided value for the 'refresh_token' is not valid. The refresh token is unknown, expired or revoked.");
        }
        if (refusal.description.includes('redirect_uri')) {
          return aadError(400, 'invalid_grant', 70000, "The provided value for 'redirect_uri' does not match the redirect URI the authorization code was issued for.");
        }
        return aadError(400, 'invalid_grant', 70000, "The provided value for the 'code' parameter is not valid. The code is unknown, expired or was already redeemed.");
      default:
        return aadError(400, 'invalid_request', 900144, refusal.description);
    }
  }

  // --- Graph API ------------------------------------------------------------------------------

  private async authorized(request: RecordedRequest, handle: (grant: FakeTokenGrant) => FakeAnswer | Promise<FakeAnswer>): Promise<FakeAnswer> {
    if (!/^Bearer \S/i.test(request.headers['authorization'] ?? '')) {
      return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    }
    const grant = this.oauth.bearer(request);
    if (!grant) return graphError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
    return handle(grant);
  }

  private me(grant: FakeTokenGrant): FakeAnswer {
    const user = this.users.get(grant.subject['user_id'] ?? '');
    if (!user) return graphError(404, 'Request_ResourceNotFound', 'Resource does not exist or one of its queried reference-property objects are not present.');
    return graphAnswer(200, {
      '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users/$entity',
      businessPhones: [],
      displayName: user.displayName,
      givenName: user.displayName.split(' ')[0] ?? null,
      jobTitle: null,
      mail: user.userPrincipalName,
      mobilePhone: null,
      officeLocation: null,
      preferredLanguage: 'en-US',
      surname: user.displayName.split(' ').slice(1).join(' ') || null,
      userPrincipalName: user.userPrincipalName,
      id: user.id,
    });
  }

  private async createSubscription(request: RecordedRequest, grant: FakeTokenGrant): Promise<FakeAnswer> {
    const body = request.json;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return graphError(400, 'BadRequest', 'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.');
    }
    const fields = body as Record<string, unknown>;
    for (const name of ['changeType', 'notificationUrl', 'resource', 'expirationDateTime', 'clientState']) {
      if (typeof fields[name] !== 'string' || fields[name] === '') {
        return graphError(400, 'InvalidRequest', `${name} is a required property for subscription creation.`);
      }
    }
    const text = (name: string): string => (typeof fields[name] === 'string' ? (fields[name] as string) : '');
    const changeType = text('changeType');
    const invalid = changeType.split(',').map((type) => type.trim()).find((type) => !CHANGE_TYPES.has(type));
    if (invalid !== undefined) return graphError(400, 'InvalidRequest', `'${invalid}' is not a valid changeType; use created, updated or deleted.`);
    if (text('clientState').length > MAX_CLIENT_STATE_LENGTH) {
      return graphError(400, 'InvalidRequest', `clientState must be at most ${MAX_CLIENT_STATE_LENGTH} characters.`);
    }
    const urls = ['notificationUrl', ...(fields['lifecycleNotificationUrl'] !== undefined ? ['lifecycleNotificationUrl'] : [])];
    for (const name of urls) {
      const problem = this.urlProblem(name, fields[name]);
      if (problem) return problem;
    }
    const resource = text('resource');
    const expiry = this.expiryProblem(resource, text('expirationDateTime'), 'Create');
    if (expiry) return expiry;
    const creatorId = grant.subject['user_id'] ?? '';
    const duplicate = this.subscriptions.find(
      (s) => s.applicationId === grant.clientId && s.creatorId === creatorId && s.changeType === changeType && s.resource.toLowerCase() === resource.toLowerCase(),
    );
    if (duplicate) return graphError(409, 'ExtensionError', `Subscription Id ${duplicate.id} already exists for the requested combination`);
    for (const name of urls) {
      const failed = await this.validate(text(name));
      if (failed) return failed;
    }
    const subscription: FakeGraphSubscription = {
      id: randomUUID(),
      resource,
      applicationId: grant.clientId,
      changeType,
      clientState: text('clientState'),
      notificationUrl: text('notificationUrl'),
      ...(urls.length > 1 ? { lifecycleNotificationUrl: text('lifecycleNotificationUrl') } : {}),
      expirationDateTime: new Date(text('expirationDateTime')).toISOString(),
      creatorId,
      tenantId: grant.subject['tenant_id'] ?? this.tenantId,
    };
    this.subscriptionsById.set(subscription.id, subscription);
    return graphAnswer(201, this.resourceOf(subscription, true));
  }

  private listSubscriptions(grant: FakeTokenGrant): FakeAnswer {
    const value = this.subscriptions.filter((s) => s.applicationId === grant.clientId).map((s) => this.resourceOf(s, false));
    return graphAnswer(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscriptions', value });
  }

  private getSubscription(request: RecordedRequest, grant: FakeTokenGrant): FakeAnswer {
    const subscription = this.owned(request, grant);
    return subscription ? graphAnswer(200, this.resourceOf(subscription, true)) : notFound();
  }

  /** Renewal re-validates the notification URL, as Graph does, then moves the expiry. */
  private async renewSubscription(request: RecordedRequest, grant: FakeTokenGrant): Promise<FakeAnswer> {
    const subscription = this.owned(request, grant);
    if (!subscription) return notFound();
    const body = request.json;
    const fields = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    if (fields['lifecycleNotificationUrl'] !== undefined) {
      return graphError(400, 'InvalidRequest', 'lifecycleNotificationUrl cannot be updated; delete the subscription and create it again.');
    }
    const expirationDateTime = fields['expirationDateTime'];
    if (typeof expirationDateTime !== 'string' || expirationDateTime === '') {
      return graphError(400, 'InvalidRequest', 'expirationDateTime is a required property for subscription update.');
    }
    const expiry = this.expiryProblem(subscription.resource, expirationDateTime, 'Update');
    if (expiry) return expiry;
    const failed = await this.validate(subscription.notificationUrl);
    if (failed) return failed;
    subscription.expirationDateTime = new Date(expirationDateTime).toISOString();
    return graphAnswer(200, this.resourceOf(subscription, true));
  }

  private deleteSubscription(request: RecordedRequest, grant: FakeTokenGrant): FakeAnswer {
    const subscription = this.owned(request, grant);
    if (!subscription) return notFound();
    this.subscriptionsById.delete(subscription.id);
    return { status: 204 };
  }

  /** Another app's subscription is as invisible as a missing one. */
  private owned(request: RecordedRequest, grant: FakeTokenGrant): FakeGraphSubscription | undefined {
    const subscription = this.subscription(request.params['id'] ?? '');
    return subscription?.applicationId === grant.clientId ? subscription : undefined;
  }

  private resourceOf(subscription: FakeGraphSubscription, single: boolean): Record<string, unknown> {
    return {
      ...(single ? { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#subscriptions/$entity' } : {}),
      id: subscription.id,
      resource: subscription.resource,
      applicationId: subscription.applicationId,
      changeType: subscription.changeType,
      clientState: subscription.clientState,
      notificationUrl: subscription.notificationUrl,
      notificationQueryOptions: null,
      lifecycleNotificationUrl: subscription.lifecycleNotificationUrl ?? null,
      expirationDateTime: subscription.expirationDateTime,
      creatorId: subscription.creatorId,
      includeResourceData: null,
      latestSupportedTlsVersion: 'v1_2',
      encryptionCertificate: null,
      encryptionCertificateId: null,
      notificationUrlAppId: null,
    };
  }

  private urlProblem(name: string, value: unknown): FakeAnswer | undefined {
    const url = typeof value === 'string' && URL.canParse(value) ? new URL(value) : undefined;
    if (!url) return graphError(400, 'InvalidRequest', `${name} must be an absolute URL.`);
    if (url.protocol !== 'https:' && !(this.allowHttp && url.protocol === 'http:')) {
      return graphError(400, 'InvalidRequest', `${name} must use https.`);
    }
    return undefined;
  }

  /** Graph measures the maximum from when it receives the request. */
  private expiryProblem(resource: string, value: string, operation: 'Create' | 'Update'): FakeAnswer | undefined {
    const expiresAt = Date.parse(value);
    if (!Number.isFinite(expiresAt)) return graphError(400, 'InvalidRequest', `Invalid expirationDateTime '${value}'.`);
    const minutes = maxLifetimeMinutes(resource);
    if (expiresAt <= Date.now()) {
      return graphError(400, 'ExtensionError', `Operation: ${operation}; Exception: [Status Code: BadRequest; Reason: Subscription expiration must be in the future.]`);
    }
    if (expiresAt > Date.now() + minutes * 60_000) {
      return graphError(400, 'ExtensionError', `Subscription expiration can only be ${minutes} minutes in the future.`);
    }
    return undefined;
  }

  /**
   * Graph's validation request: POST `<url>?validationToken=<url-encoded token>` with a
   * text/plain content type and no body; the answer must be 200 with exactly the decoded token
   * within the timeout. The token holds spaces, colons, `+`, `/` and `=`, so a receiver that
   * echoes it still encoded fails as it would with Graph.
   */
  private async validate(url: string): Promise<FakeAnswer | undefined> {
    const token = `Validation: Testing client application reachability for subscription Request-Id: ${randomUUID()} ${randomBytes(9).toString('base64')}+/=`;
    const target = new URL(url);
    target.searchParams.append('validationToken', token);
    let status: number | undefined;
    let body: string | undefined;
    try {
      const answer = await request(target, {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        headersTimeout: this.validationTimeoutMs,
        bodyTimeout: this.validationTimeoutMs,
        signal: AbortSignal.timeout(this.validationTimeoutMs),
      });
      status = answer.statusCode;
      body = await answer.body.text();
    } catch (error) {
      this.validations.push({ url, token });
      // Undici's timeouts and AbortSignal's TimeoutError (a DOMException, from another realm under jest).
      const { name, message } = (typeof error === 'object' && error !== null ? error : {}) as { name?: unknown; message?: unknown };
      const timedOut = /abort|timeout/i.test(`${String(name)} ${String(message)}`);
      return graphError(400, 'ValidationError', timedOut ? 'Subscription validation request timed out.' : 'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.');
    }
    this.validations.push({ url, token, status, body });
    if (status !== 200) {
      return graphError(400, 'ValidationError', 'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.');
    }
    if (body !== token) {
      return graphError(400, 'ValidationError', 'Subscription validation request failed. Response must exactly match validationToken query parameter.');
    }
    return undefined;
  }
}

/** Graph's maximum lifetimes, for the resource shapes the fake is used with. */
function maxLifetimeMinutes(resource: string): number {
  const path = (resource.split('?')[0] ?? '').toLowerCase().replace(/^\//, '');
  if (/presence/.test(path)) return 60;
  if (/(^|\/)(chats|teams|channels)(\/|\(|$)/.test(path)) return 4320;
  if (/(^|\/)(drive|drives|sites)(\/|\(|$)/.test(path)) return 42300;
  if (/(^|\/)(messages|events|contacts)(\/|\(|$)/.test(path)) return 10080;
  if (/^(users|groups)(\/[^/]+)?$/.test(path)) return 41760;
  return 4230;
}

function notFound(): FakeAnswer {
  return graphError(404, 'ResourceNotFound', 'The object was not found.');
}

/** `.default` grants what the tenant consented to; named scopes are granted as asked. */
function grantedScope(requested: string): string {
  const scopes = requested.split(' ').filter((scope) => scope !== '' && !OIDC_SCOPES.has(scope));
  const granted = scopes.flatMap((scope) => (scope.endsWith('/.default') ? GRANTED_SCOPES : [scope]));
  return [...new Set(granted.length > 0 ? granted : GRANTED_SCOPES)].join(' ');
}
