import {
  FakeMicrosoftGraph,
  arbitraryMutation,
  arbitraryRawBody,
  expectNormalizedValid,
  expectSchemaValid,
  inboundWebhook,
  onlyConnectorErrors,
  present,
} from '@connector-events/testing';
import fc from 'fast-check';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { ConnectorAdapter } from '../../core/connector-adapter';
import { ConnectorError, isConnectorError } from '../../core/connector-error';
import { ConnectorInstance } from '../../core/connector-instance';
import { InboundWebhook, WebhookReply } from '../../core/inbound-webhook';
import { ProviderSubscriptions } from '../../core/provider-subscriptions';
import { RefreshingSession } from '../../core/refreshing-session';
import { NormalizedEvents, WebhookHandler } from '../../core/webhook-handler';
import { ProviderHttpClient } from '../../http/provider-http-client';
import { ConnectorRegistry } from '../../registry/connector-registry';
import { encodeInstanceSegment } from '../../webhooks/explicit-instance-ids';
import { textReply } from '../../webhooks/webhook-replies';
import { MICROSOFTGRAPH_CONNECTOR } from './microsoftgraph.connector';
import { MICROSOFTGRAPH_WEBHOOK_SECRET_KEY } from './microsoftgraph-configuration';

const APP = { clientId: '6731de76-14a6-49ae-97bc-6eba6914391e', clientSecret: 'JqQX2PNo9bpM0uEihUPzyrh', redirectUri: 'https://app.example.com/oauth' };
const SECRET = 'secretClientValue-7c1e';
const INSTANCE_ID = 42;

/** The documented `changeNotificationCollection` example (VENDORS-DETAILED §1.3, Graph docs). */
const DOCUMENTED = {
  value: [
    {
      id: 'lsgTZMr9KwAAA',
      subscriptionId: '{subscription_guid}',
      subscriptionExpirationDateTime: '2016-03-19T22:11:09.952Z',
      clientState: 'secretClientValue',
      changeType: 'created',
      resource: 'users/{user_guid}@{tenant_guid}/messages/{long_id_string}',
      tenantId: '84bd8158-6d4d-4958-8b9f-9d6445542f95',
      resourceData: {
        '@odata.type': '#Microsoft.Graph.Message',
        '@odata.id': 'Users/{user_guid}@{tenant_guid}/Messages/{long_id_string}',
        '@odata.etag': 'W/"CQAAABYAAADkrWGo7bouTKlsgTZMr9KwAAAUWRHf"',
        id: '{long_id_string}',
      },
    },
  ],
};
const DOCUMENTED_INSTANCE: ConnectorInstance = {
  id: 1,
  elementKey: 'microsoftgraph',
  configuration: { [MICROSOFTGRAPH_WEBHOOK_SECRET_KEY]: 'secretClientValue' },
  providerData: { subscription_ids: '{subscription_guid}' },
};

/**
 * A stand-in for webhook-ingest on http://127.0.0.1: it answers Graph with the adapter's own
 * handshake, route, verify and normalize, or misbehaves on purpose.
 */
class LocalReceiver {
  mode: 'adapter' | 'echo-encoded' | 'status-500' | 'silent' = 'adapter';
  readonly calls: { request: InboundWebhook; reply: WebhookReply }[] = [];
  readonly normalized: NormalizedEvents[] = [];
  private server?: Server;
  private base = '';

  constructor(
    private readonly webhook: WebhookHandler,
    private readonly instances: () => ConnectorInstance[],
  ) {}

  async start(): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  notificationUrl(instanceId = INSTANCE_ID): string {
    return `${this.base}/elements/api-v2/events/microsoftgraph/${encodeInstanceSegment(instanceId)}`;
  }

  lifecycleUrl(instanceId = INSTANCE_ID): string {
    return `${this.notificationUrl(instanceId)}?kind=lifecycle`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', this.base);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers[name] = value;
    const segment = url.pathname.split('/events/microsoftgraph/')[1];
    const request: InboundWebhook = {
      method: req.method ?? 'GET',
      url: url.toString(),
      query: Object.fromEntries(url.searchParams),
      headers,
      rawBody: Buffer.concat(chunks),
      instanceSegment: segment || undefined,
    };
    if (this.mode === 'silent') return;
    const reply = await this.answer(request);
    this.calls.push({ request, reply });
    res.writeHead(reply.status, reply.headers);
    res.end(reply.body);
  }

  private async answer(request: InboundWebhook): Promise<WebhookReply> {
    if (this.mode === 'status-500') return textReply(500, 'down');
    if (this.mode === 'echo-encoded') return textReply(200, encodeURIComponent(request.query['validationToken'] ?? ''));
    const handshake = this.webhook.handshake(request);
    if (handshake) return handshake;
    try {
      const route = this.webhook.route(request);
      const targets = this.instances().filter(
        (instance) => route.instanceIds.includes(instance.id) || this.webhook.instanceKeys(instance).some((key) => route.providerKeys.includes(key)),
      );
      for (const instance of targets) {
        this.webhook.verify(request, instance, new Date());
        const session = { accessToken: async () => 'unused', refreshedAccessToken: async () => 'unused' };
        const body: unknown = JSON.parse(request.rawBody.toString('utf8'));
        this.normalized.push(await this.webhook.normalize({ instance, body, headers: request.headers, receivedAt: new Date(), state: {} }, { session }));
      }
      return this.webhook.acceptedReply;
    } catch (error) {
      if (isConnectorError(error)) return textReply(error.status, error.message);
      throw error;
    }
  }
}

describe('Microsoft Graph connector', () => {
  const fake = new FakeMicrosoftGraph({ allowHttp: true });
  let graph: ConnectorAdapter;

  beforeAll(async () => {
    await fake.start();
    fake.registerApp(APP);
    graph = new ConnectorRegistry({ modules: [MICROSOFTGRAPH_CONNECTOR], providerBaseUrls: { microsoftgraph: fake.server.baseUrl } }).get('microsoftgraph');
  });
  afterAll(() => fake.close());

  const webhook = () => present(graph.webhook, 'the webhook handler');
  const subscriptions = (): ProviderSubscriptions => present(graph.subscriptions, 'the subscriptions');

  /** A consenting user with an instance whose session refreshes through the fake. */
  async function provision(providerData: Record<string, string> = { 'microsoftgraph.tenant': fake.tenantId }) {
    const { user, code } = fake.linkUser(APP.clientId);
    const tokens = await graph.oauth.exchangeCode({ code, ...APP, providerData });
    let instance: ConnectorInstance = {
      id: INSTANCE_ID,
      elementKey: 'microsoftgraph',
      configuration: { 'oauth.api.key': APP.clientId, 'oauth.api.secret': APP.clientSecret, [MICROSOFTGRAPH_WEBHOOK_SECRET_KEY]: SECRET },
      providerData: tokens.providerData,
    };
    const session = new RefreshingSession(graph.oauth, { ...APP, providerData: tokens.providerData }, tokens);
    const remember = (subscriptionId: string) => {
      instance = { ...instance, providerData: { ...instance.providerData, subscription_ids: subscriptionId } };
    };
    return { user, session, get instance() { return instance; }, remember };
  }

  describe('OAuth', () => {
    it('exchanges a code at the configured tenant and reads the user from /v1.0/me', async () => {
      const { user, instance, session } = await provision();
      expect(instance.providerData).toEqual({
        user_id: user.id,
        user_principal_name: user.userPrincipalName,
        tenant: fake.tenantId,
        scope: 'offline_access https://graph.microsoft.com/.default',
      });
      expect(session.current).toMatchObject({ tokenType: 'Bearer', scope: expect.stringContaining('https://graph.microsoft.com/Mail.Read') });
      expect(Date.parse(session.current.expiresAt ?? '')).toBeGreaterThan(Date.now() + 3_500_000);
      const call = fake.server.requestsTo('POST', `/${fake.tenantId}/oauth2/v2.0/token`).at(-1);
      expect(call?.form).toEqual({
        grant_type: 'authorization_code',
        code: expect.any(String),
        redirect_uri: APP.redirectUri,
        scope: 'offline_access https://graph.microsoft.com/.default',
        client_id: APP.clientId,
        client_secret: APP.clientSecret,
      });
      expect(fake.server.requestsTo('GET', '/v1.0/me').at(-1)?.headers['authorization']).toBe(`Bearer ${session.current.accessToken}`);
    });

    it('uses the common endpoint and the configured scope when told no tenant', async () => {
      const before = fake.server.requestsTo('POST', '/common/oauth2/v2.0/token').length;
      const { instance } = await provision({ 'oauth.scope': 'offline_access Mail.Read' });
      expect(fake.server.requestsTo('POST', '/common/oauth2/v2.0/token')).toHaveLength(before + 1);
      expect(instance.providerData).toMatchObject({ tenant: 'common', scope: 'offline_access Mail.Read' });
    });

    it('refreshes at the same tenant with the scope, and keeps the rotated refresh token', async () => {
      const { session } = await provision();
      const before = session.current;
      await session.refreshedAccessToken();
      expect(session.current.accessToken).not.toBe(before.accessToken);
      expect(session.current.refreshToken).not.toBe(before.refreshToken);
      const call = fake.server.requestsTo('POST', `/${fake.tenantId}/oauth2/v2.0/token`).at(-1);
      expect(call?.form).toMatchObject({ grant_type: 'refresh_token', refresh_token: before.refreshToken, scope: 'offline_access https://graph.microsoft.com/.default' });
      // The old refresh token was rotated away.
      const stale = graph.oauth.refresh({ ...APP, refreshToken: before.refreshToken ?? '', providerData: { tenant: fake.tenantId } });
      await expect(stale).rejects.toMatchObject({ code: 'oauth_refresh_rejected', message: expect.stringContaining('AADSTS70000') });
    });

    it('turns a reused code into oauth_code_rejected 400 with the AADSTS reason', async () => {
      const { code } = fake.linkUser(APP.clientId);
      const exchange = () => graph.oauth.exchangeCode({ code, ...APP, providerData: {} });
      await exchange();
      const error = await exchange().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ code: 'oauth_code_rejected', status: 400 });
      expect((error as Error).message).toContain("Microsoft Graph refused the authorization code: AADSTS70000: The provided value for the 'code' parameter is not valid.");
    });

    it('reports a wrong client secret with AADSTS7000215', async () => {
      const { code } = fake.linkUser(APP.clientId);
      const error = await graph.oauth.exchangeCode({ code, ...APP, clientSecret: 'wrong', providerData: {} }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'oauth_code_rejected', message: expect.stringContaining('AADSTS7000215: Invalid client secret provided') });
    });

    it('refuses a tenant that could bend the token URL, naming the configuration key', async () => {
      const exchange = graph.oauth.exchangeCode({ code: 'x', ...APP, providerData: { 'microsoftgraph.tenant': '../evil?' } });
      await expect(exchange).rejects.toMatchObject({ code: 'configuration_invalid', message: expect.stringContaining('microsoftgraph.tenant') });
    });
  });

  describe('webhook', () => {
    it('answers the validation request with the decoded token as text/plain, on any method', () => {
      const token = 'Validation: Testing client application reachability for subscription Request-Id: c69b04df <b>+/=';
      for (const method of ['POST', 'GET']) {
        expect(webhook().handshake(inboundWebhook('', { method, query: { validationToken: token } }))).toEqual({
          status: 200,
          headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
          body: token,
        });
      }
      expect(webhook().handshake(inboundWebhook(JSON.stringify(DOCUMENTED)))).toBeUndefined();
    });

    it('routes by the instance in the path and by subscription id', () => {
      const request = inboundWebhook(JSON.stringify(DOCUMENTED), { instanceSegment: encodeInstanceSegment(7) });
      expect(webhook().route(request)).toEqual({ instanceIds: [7], providerKeys: ['subscription:{subscription_guid}'] });
      expect(webhook().instanceKeys({ ...DOCUMENTED_INSTANCE, providerData: { subscription_ids: 'a, b,,a' } })).toEqual(['subscription:a', 'subscription:b']);
      expect(webhook().instanceKeys({ ...DOCUMENTED_INSTANCE, providerData: {} })).toEqual([]);
    });

    it('accepts the documented notification and normalizes it into one message event', async () => {
      const request = inboundWebhook(JSON.stringify(DOCUMENTED));
      webhook().verify(request, DOCUMENTED_INSTANCE, new Date());
      const receivedAt = new Date('2024-05-01T10:00:00Z');
      const result = await normalize(DOCUMENTED, receivedAt);
      expect(result.raw).toEqual(DOCUMENTED);
      expect(result.events).toEqual([
        { objectType: 'messages', objectId: '{long_id_string}', eventType: 'CREATED', elementKey: 'microsoftgraph', hubKey: 'general', date: receivedAt.toISOString() },
      ]);
      expect(webhook().acceptedReply).toEqual({ status: 202, headers: {}, body: '' });
    });

    it('maps change types, reads keyed and id-less resources, and skips lifecycle items', async () => {
      const item = (fields: Record<string, unknown>) => ({ subscriptionId: 's', clientState: 'secretClientValue', ...fields });
      const body = {
        value: [
          item({ changeType: 'updated', resource: "Users('u1')/Events('AAMkAGI=')", resourceData: {} }),
          item({ changeType: 'deleted', resource: 'me/contacts/c-9' }),
          item({ changeType: 'created,updated', resource: 'Users/u1/Messages/m-1', resourceData: { id: 'm-1' } }),
          item({ changeType: 'renamed', resourceData: { '@odata.type': '#Microsoft.Graph.chatMessage', id: 'cm-1' } }),
          item({ changeType: 'updated', resource: 'teams/t1/channels/c1/messages/123' }),
          item({ changeType: 'updated', resource: 'drives/b!x/root' }),
          item({ lifecycleEvent: 'reauthorizationRequired' }),
          item({ changeType: 'created', resource: 'me/events' }),
        ],
      };
      const result = await normalize(body);
      expect(result.events.map(({ objectType, objectId, eventType }) => [objectType, objectId, eventType])).toEqual([
        ['events', 'AAMkAGI=', 'UPDATED'],
        ['contacts', 'c-9', 'DELETED'],
        ['messages', 'm-1', 'UNKNOWN'],
        ['chatMessages', 'cm-1', 'UNKNOWN'],
        ['chatMessages', '123', 'UPDATED'],
        ['driveItems', 'b!x', 'UPDATED'],
      ]);
      expectSchemaValid(result.events);
    });

    describe('rejects', () => {
      const verify = (body: unknown, instance = DOCUMENTED_INSTANCE) => () =>
        webhook().verify(inboundWebhook(JSON.stringify(body)), instance, new Date());
      const second = { ...DOCUMENTED.value[0], subscriptionId: 'other' };

      it('a notification without clientState', () => {
        const { clientState: _dropped, ...unsigned } = second;
        expect(verify({ value: [DOCUMENTED.value[0], unsigned] })).toThrow(
          expect.objectContaining({ code: 'webhook_signature_missing', status: 401, message: 'value[1].clientState is missing' }),
        );
      });
      it('a clientState made for another instance', () => {
        expect(verify(DOCUMENTED, { ...DOCUMENTED_INSTANCE, configuration: { [MICROSOFTGRAPH_WEBHOOK_SECRET_KEY]: 'another-secret' } })).toThrow(
          expect.objectContaining({ code: 'webhook_signature_invalid', status: 401 }),
        );
      });
      it('a batch where one item was tampered with', () => {
        expect(verify({ value: [DOCUMENTED.value[0], { ...second, clientState: 'secretClientValuf' }] })).toThrow(
          expect.objectContaining({ code: 'webhook_signature_invalid', message: 'value[1].clientState does not match' }),
        );
      });
      it('any notification when the instance has no secret', () => {
        expect(verify(DOCUMENTED, { ...DOCUMENTED_INSTANCE, configuration: {} })).toThrow(
          expect.objectContaining({ code: 'webhook_signature_invalid', message: expect.stringContaining(MICROSOFTGRAPH_WEBHOOK_SECRET_KEY) }),
        );
      });
      it('bodies that are not change notification collections, naming the field', () => {
        const route = (body: unknown) => () => webhook().route(inboundWebhook(JSON.stringify(body)));
        expect(route({ values: [] })).toThrow(/value, an array/);
        expect(route({ value: [] })).toThrow(/value holds no change notifications/);
        expect(route({ value: [{ changeType: 'created' }] })).toThrow(/value\[0\]\.subscriptionId/);
        expect(route({ value: [DOCUMENTED.value[0], 'x'] })).toThrow(/value\[1\] is not a change notification/);
        expect(route({ value: Array.from({ length: 1001 }, () => DOCUMENTED.value[0]) })).toThrow(/more than 1000/);
      });
    });
  });

  describe('subscription lifetimes', () => {
    it.each([
      ['me/events', 10080],
      ['me/messages', 10080],
      ["me/mailFolders('Inbox')/messages", 10080],
      ['users/8b2e/contacts', 10080],
      ['users', 41760],
      ['groups', 41760],
      ['me/drive/root', 42300],
      ['sites/contoso.sharepoint.com/lists/3f1c', 42300],
      ['chats/getAllMessages', 4320],
      ['teams/t1/channels/c1/messages', 4320],
      ['/communications/presences?$filter=id in (\'a\')', 60],
      ['teams/t1/schedule/shifts', 360],
      ['me/todo/lists/l1/tasks', 4230],
      ['groups/g1/conversations', 4230],
      ['security/alerts?$filter=status eq \'New\'', 43200],
      ['print/printers/p1/jobs', 4230],
      ['something/else', 4230],
    ])('%s lives at most %i minutes', (resource, minutes) => {
      expect(subscriptions().maxLifetimeMinutes(resource)).toBe(minutes);
    });

    it('subscribes to the signed-in user\'s calendar, mail and contacts by default', () => {
      expect(subscriptions().defaultResources).toEqual(['me/events', 'me/messages', 'me/contacts']);
    });
  });

  describe('subscriptions against the fake, validated by the adapter itself', () => {
    let linked: Awaited<ReturnType<typeof provision>>;
    let receiver: LocalReceiver;

    beforeAll(async () => {
      linked = await provision();
      receiver = new LocalReceiver(webhook(), () => [linked.instance]);
      await receiver.start();
    });
    afterAll(() => receiver.close());
    beforeEach(() => (receiver.mode = 'adapter'));

    const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000);
    const request = (resource: string, expiresAt = inMinutes(60)) => ({
      resource,
      changeType: 'created,updated,deleted',
      notificationUrl: receiver.notificationUrl(),
      lifecycleNotificationUrl: receiver.lifecycleUrl(),
      clientState: SECRET,
      expiresAt,
    });
    const create = (resource: string, expiresAt?: Date) => subscriptions().create(linked.instance, linked.session, request(resource, expiresAt));

    it('creates a subscription once both URLs echo the decoded validation token', async () => {
      const validated = fake.validations.length;
      const expiresAt = inMinutes(subscriptions().maxLifetimeMinutes('me/events') - 1);
      const created = await create('me/events', expiresAt);
      expect(created).toEqual({ id: expect.any(String), resource: 'me/events', expiresAt: expiresAt.toISOString() });
      expect(fake.subscription(created.id)).toMatchObject({ clientState: SECRET, changeType: 'created,updated,deleted', lifecycleNotificationUrl: receiver.lifecycleUrl() });
      const checks = fake.validations.slice(validated);
      expect(checks.map((check) => new URL(check.url).search)).toEqual(['', '?kind=lifecycle']);
      for (const check of checks) {
        expect(check.token).toMatch(/[ :+/=]/);
        expect(check).toMatchObject({ status: 200, body: check.token });
      }
      const post = fake.server.requestsTo('POST', '/v1.0/subscriptions').at(-1);
      expect(post?.json).toEqual({
        changeType: 'created,updated,deleted',
        notificationUrl: receiver.notificationUrl(),
        lifecycleNotificationUrl: receiver.lifecycleUrl(),
        resource: 'me/events',
        expirationDateTime: expiresAt.toISOString(),
        clientState: SECRET,
      });
    });

    it('fails with Graph\'s message when the endpoint echoes the token still encoded', async () => {
      receiver.mode = 'echo-encoded';
      const error = await create('me/contacts').catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'provider_request_failed', retryable: false });
      expect((error as Error).message).toContain('Graph answered 400 ValidationError: Subscription validation request failed. Response must exactly match validationToken query parameter.');
      expect(fake.subscriptions.some((s) => s.resource === 'me/contacts')).toBe(false);
    });

    it('fails when the endpoint does not answer 200', async () => {
      receiver.mode = 'status-500';
      await expect(create('me/contacts')).rejects.toMatchObject({ message: expect.stringContaining('must respond with 200 OK to validation request') });
    });

    it('passes on Graph\'s lifetime limit and duplicate refusals', async () => {
      await expect(create('me/messages', inMinutes(10090))).rejects.toMatchObject({
        code: 'provider_request_failed',
        message: expect.stringContaining('Subscription expiration can only be 10080 minutes in the future.'),
      });
      const first = await create('me/messages');
      await expect(create('me/messages')).rejects.toMatchObject({ message: expect.stringContaining(`409 ExtensionError: Subscription Id ${first.id} already exists`) });
    });

    it('refuses a clientState Graph would not take before calling it', async () => {
      const tooLong = { ...request('users'), clientState: 'x'.repeat(129) };
      await expect(subscriptions().create(linked.instance, linked.session, tooLong)).rejects.toMatchObject({ code: 'configuration_invalid', message: expect.stringContaining('clientState') });
    });

    it('renews, deletes, and treats deleting a missing subscription as done', async () => {
      const created = await create('groups');
      const later = inMinutes(40_000);
      const renewed = await subscriptions().renew(linked.instance, linked.session, created.id, later);
      expect(renewed).toEqual({ id: created.id, resource: 'groups', expiresAt: later.toISOString() });
      expect(fake.server.requestsTo('PATCH', `/v1.0/subscriptions/${created.id}`).at(-1)?.json).toEqual({ expirationDateTime: later.toISOString() });
      await subscriptions().remove(linked.instance, linked.session, created.id);
      expect(fake.subscription(created.id)).toBeUndefined();
      await expect(subscriptions().remove(linked.instance, linked.session, created.id)).resolves.toBeUndefined();
      await expect(subscriptions().renew(linked.instance, linked.session, created.id, later)).rejects.toMatchObject({
        message: expect.stringContaining('404 ResourceNotFound: The object was not found.'),
      });
    });

    it('refreshes an expired access token once and goes on', async () => {
      fake.oauth.expireAccessTokens();
      const created = await create('users');
      expect(fake.subscription(created.id)).toBeDefined();
      await subscriptions().remove(linked.instance, linked.session, created.id);
    });

    it('delivers change notifications that the adapter verifies and normalizes', async () => {
      const created = await create('me/mailFolders(\'Inbox\')/messages');
      linked.remember(created.id);
      const normalizedBefore = receiver.normalized.length;
      expect(await fake.notify(created.id, 'created', 'AAMkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGY5OTZhYmY4OABGAAAAAAAiQ8W967B7TKBjgx9rVEURBwAiIsqMbYjsT5e-T7KzowPTAAAAAAEMAAAiIsqMbYjsT5e-T7KzowPTAAAYbvZDAAA=')).toBe(202);
      expect(await fake.notify(created.id, 'deleted', 'AAMk-2')).toBe(202);
      const results = receiver.normalized.slice(normalizedBefore);
      expect(results.flatMap((r) => r.events).map(({ objectType, objectId, eventType }) => [objectType, objectId, eventType])).toEqual([
        ['messages', 'AAMkAGVmMDEzMTM4LTZmYWUtNDdkNC1hMDZiLTU1OGY5OTZhYmY4OABGAAAAAAAiQ8W967B7TKBjgx9rVEURBwAiIsqMbYjsT5e-T7KzowPTAAAAAAEMAAAiIsqMbYjsT5e-T7KzowPTAAAYbvZDAAA=', 'CREATED'],
        ['messages', 'AAMk-2', 'DELETED'],
      ]);
      results.forEach((r) => expectNormalizedValid(r));
      // The path names the instance; the body names the subscription the poller recorded.
      const call = receiver.calls.at(-1);
      expect(call && webhook().route(call.request)).toEqual({ instanceIds: [INSTANCE_ID], providerKeys: [`subscription:${created.id}`] });
    });

    it('accepts lifecycle notifications on the lifecycle URL without event objects', async () => {
      const created = await create('me/contacts');
      const normalizedBefore = receiver.normalized.length;
      expect(await fake.lifecycle(created.id, 'reauthorizationRequired')).toBe(202);
      expect(receiver.calls.at(-1)?.request.query).toEqual({ kind: 'lifecycle' });
      expect(receiver.normalized.slice(normalizedBefore).flatMap((r) => r.events)).toEqual([]);
      expect(await fake.lifecycle(created.id, 'subscriptionRemoved')).toBe(202);
      expect(fake.subscription(created.id)).toBeUndefined();
    });

    it('answers 401 to a notification carrying another clientState', async () => {
      const other = await subscriptions().create(linked.instance, linked.session, { ...request('users/x/events'), clientState: 'not-the-instance-secret' });
      expect(await fake.notify(other.id, 'updated', 'e-1')).toBe(401);
      expect(receiver.calls.at(-1)?.reply.body).toBe('value[0].clientState does not match');
    });
  });

  describe('Graph rules the fake enforces', () => {
    const http = new ProviderHttpClient();
    const post = (token: string, json: unknown) =>
      http.send('test', { method: 'POST', url: `${fake.server.baseUrl}/v1.0/subscriptions`, headers: { authorization: `Bearer ${token}` }, json });

    it('answers a stale bearer token and a subscription without clientState the Graph way', async () => {
      const stale = await post('eyJ0eXAi.expired', {});
      expect(stale.status).toBe(401);
      expect(JSON.parse(stale.text)).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: 'Access token has expired or is not yet valid.' } });
      const { session } = await provision();
      const unsigned = await post(await session.accessToken(), {
        changeType: 'created',
        notificationUrl: 'https://webhook.example.com/graph',
        resource: 'me/events',
        expirationDateTime: new Date(Date.now() + 60_000).toISOString(),
      });
      expect(unsigned.status).toBe(400);
      expect(JSON.parse(unsigned.text)).toMatchObject({
        error: { code: 'InvalidRequest', message: 'clientState is a required property for subscription creation.', innerError: { 'request-id': expect.any(String) } },
      });
    });

    it('refuses a tenant it does not know with AADSTS90002', async () => {
      const { code } = fake.linkUser(APP.clientId);
      const exchange = graph.oauth.exchangeCode({ code, ...APP, providerData: { 'microsoftgraph.tenant': 'fabrikam.onmicrosoft.com' } });
      await expect(exchange).rejects.toMatchObject({ code: 'oauth_code_rejected', status: 400, message: expect.stringContaining("AADSTS90002: Tenant 'fabrikam.onmicrosoft.com' not found") });
    });

    it('refuses plain-HTTP notification URLs unless allowed', async () => {
      const strict = new FakeMicrosoftGraph();
      await strict.start();
      try {
        strict.registerApp(APP);
        const adapter = new ConnectorRegistry({ modules: [MICROSOFTGRAPH_CONNECTOR], providerBaseUrls: { microsoftgraph: strict.server.baseUrl } }).get('microsoftgraph');
        const { code } = strict.linkUser(APP.clientId);
        const tokens = await adapter.oauth.exchangeCode({ code, ...APP, providerData: {} });
        const session = new RefreshingSession(adapter.oauth, { ...APP, providerData: tokens.providerData }, tokens);
        const instance = { id: 1, elementKey: 'microsoftgraph', configuration: {}, providerData: tokens.providerData };
        const subscribe = present(adapter.subscriptions).create(instance, session, {
          resource: 'me/events',
          changeType: 'created',
          notificationUrl: 'http://127.0.0.1:9/events',
          clientState: SECRET,
          expiresAt: new Date(Date.now() + 60_000),
        });
        await expect(subscribe).rejects.toMatchObject({ message: expect.stringContaining('notificationUrl must use https') });
        expect(strict.validations).toEqual([]);
      } finally {
        await strict.close();
      }
    });

    it('gives up on a silent endpoint after its timeout, which is worth retrying', async () => {
      const impatient = new FakeMicrosoftGraph({ allowHttp: true, validationTimeoutMs: 300 });
      await impatient.start();
      const receiver = new LocalReceiver(webhook(), () => []);
      await receiver.start();
      try {
        impatient.registerApp(APP);
        receiver.mode = 'silent';
        const adapter = new ConnectorRegistry({ modules: [MICROSOFTGRAPH_CONNECTOR], providerBaseUrls: { microsoftgraph: impatient.server.baseUrl } }).get('microsoftgraph');
        const { code } = impatient.linkUser(APP.clientId);
        const tokens = await adapter.oauth.exchangeCode({ code, ...APP, providerData: {} });
        const session = new RefreshingSession(adapter.oauth, { ...APP, providerData: tokens.providerData }, tokens);
        const instance = { id: 1, elementKey: 'microsoftgraph', configuration: {}, providerData: tokens.providerData };
        const subscribe = present(adapter.subscriptions).create(instance, session, {
          resource: 'me/events',
          changeType: 'created',
          notificationUrl: receiver.notificationUrl(),
          clientState: SECRET,
          expiresAt: new Date(Date.now() + 60_000),
        });
        await expect(subscribe).rejects.toMatchObject({ retryable: true, message: expect.stringContaining('Subscription validation request timed out.') });
      } finally {
        await receiver.close();
        await impatient.close();
      }
    });
  });

  describe('properties', () => {
    it('route and verify throw only ConnectorErrors, whatever the body', async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryRawBody(), fc.option(fc.string({ maxLength: 12 })), async (body, segment) => {
          const request = inboundWebhook(body, { instanceSegment: segment ?? undefined });
          await onlyConnectorErrors(() => webhook().route(request));
          await onlyConnectorErrors(() => webhook().verify(request, DOCUMENTED_INSTANCE, new Date()));
        }),
      );
    });

    it('verify accepts only the exact clientState', () => {
      fc.assert(
        fc.property(fc.string({ minLength: 1, maxLength: 40 }), (clientState) => {
          const body = { value: [{ ...DOCUMENTED.value[0], clientState }] };
          const verify = () => webhook().verify(inboundWebhook(JSON.stringify(body)), DOCUMENTED_INSTANCE, new Date());
          if (clientState === 'secretClientValue') expect(verify).not.toThrow();
          else expect(verify).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid' }));
        }),
      );
    });

    it('the handshake echoes any token exactly', () => {
      fc.assert(
        fc.property(fc.string(), (token) => {
          expect(webhook().handshake(inboundWebhook('', { query: { validationToken: token } }))?.body).toBe(token);
        }),
      );
    });

    it('normalize turns mutated documented notifications into schema-valid events or a ConnectorError', async () => {
      const template = {
        value: [
          {
            ...DOCUMENTED.value[0],
            changeType: fc.constantFrom('created', 'updated', 'deleted', 'created,updated', 'constructor', '__proto__'),
            resource: fc.oneof(fc.constantFrom('me/events/AAMk=', "Users('a')/Messages('b')", 'drives/d/root', '/', '(', "x('')", 'constructor/toString'), fc.string()),
            lifecycleEvent: fc.constantFrom(undefined, 'missed'),
          },
        ],
      };
      await fc.assert(
        fc.asyncProperty(arbitraryMutation(template), async (body) => {
          expectNormalizedValid(await onlyConnectorErrors(() => normalize(body)));
        }),
        { numRuns: 300 },
      );
    });
  });

  function normalize(body: unknown, receivedAt = new Date()): Promise<NormalizedEvents> {
    const session = { accessToken: async () => 'unused', refreshedAccessToken: async () => 'unused' };
    return webhook().normalize({ instance: DOCUMENTED_INSTANCE, body, headers: {}, receivedAt, state: {} }, { session });
  }
});
