import { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { getDataSourceToken } from '@nestjs/typeorm';
import { loadConfig } from '@connector-events/config';
import {
  INSTANCE_SERVICE_DATABASE,
  InstanceOutboxRelay,
  InstancesModule,
  InstancesService,
  installApiDocs,
  runAccountsCommand,
} from '@connector-events/instances';
import { InstanceSnapshotMessage, MESSAGE_BUS, MessageBus, TOPICS, sealInstanceTokens } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { EventNotification } from '@connector-events/event-schema';
import { createServiceApp } from '@connector-events/runtime';
import { FakeDropbox, FakeMicrosoftGraph, TEST_SECRETS_KEY, TopicRecorder, testEnvironment, uniqueName, waitFor } from '@connector-events/testing';

const APP = { clientId: 'dbx-key', clientSecret: 'dbx-app-secret-value', redirectUri: 'https://app.example.com/cb' };
const SIGNATURE_KEY = 'callback-signing-key-value';

interface Account {
  readonly authorization: string;
}

/** instance-service over HTTP, in this process, on the real PostgreSQL and Kafka. */
describe('instance-service API', () => {
  const dropbox = new FakeDropbox();
  const graph = new FakeMicrosoftGraph({ allowHttp: true });
  const GRAPH_APP = { clientId: 'graph-client-id', clientSecret: 'graph-client-secret-value', redirectUri: 'https://app.example.com/graph' };
  const env = testEnvironment({ PORT: '0' });
  let app: INestApplication;
  let base: string;
  let recorder: TopicRecorder;
  const responses: string[] = [];

  async function startService(): Promise<INestApplication> {
    const config = loadConfig('instance-service', {
      ...env,
      PROVIDER_BASE_URL_DROPBOX: dropbox.server.baseUrl,
      PROVIDER_BASE_URL_MICROSOFTGRAPH: graph.server.baseUrl,
    });
    const started = await createServiceApp(config, { service: 'instance-service', transport: 'kafka', features: [InstancesModule], configureApp: installApiDocs });
    await started.listen(0, '127.0.0.1');
    base = `${await started.getUrl()}/elements/api-v2`.replace('[::1]', '127.0.0.1');
    return started;
  }

  async function newAccount(): Promise<Account> {
    const lines: string[] = [];
    const dataSource = app.get<DataSource>(getDataSourceToken(INSTANCE_SERVICE_DATABASE.name));
    const code = await runAccountsCommand(['create', '--organization', uniqueName('org'), '--email', 'a@example.com'], dataSource, {
      out: (line) => lines.push(line),
      err: (line) => lines.push(line),
    });
    expect(code).toBe(0);
    const header = lines.find((line) => line.startsWith('Authorization: '));
    return { authorization: (header ?? '').slice('Authorization: '.length) };
  }

  async function call(account: Account | undefined, method: string, path: string, body?: unknown) {
    const answer = await fetch(`${base}${path}`, {
      method,
      headers: { ...(account ? { authorization: account.authorization } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await answer.text();
    responses.push(text);
    return { status: answer.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, unknown> & Record<string, unknown>[]), headers: answer.headers };
  }

  function createBody(code: string, configuration: Record<string, unknown> = {}) {
    return {
      element: { key: 'dropbox' },
      providerData: { code },
      configuration: {
        'oauth.api.key': APP.clientId,
        'oauth.api.secret': APP.clientSecret,
        'oauth.callback.url': APP.redirectUri,
        'event.notification.enabled': true,
        'event.notification.callback.url': 'https://callbacks.example.com/dropbox',
        'event.notification.signature.key': SIGNATURE_KEY,
        ...configuration,
      },
      tags: ['docs'],
      name: 'Team Dropbox',
    };
  }

  beforeAll(async () => {
    await dropbox.start();
    dropbox.registerApp(APP);
    await graph.start();
    graph.registerApp(GRAPH_APP);
    app = await startService();
    recorder = await new TopicRecorder(TOPICS.instances.name).start();
  });
  afterAll(async () => {
    await app?.close();
    await recorder?.stop();
    await dropbox.close();
    await graph.close();
  });

  it('creates an instance through the OAuth exchange and answers it in the Open Connectors shape', async () => {
    const account = await newAccount();
    const { code, accountId } = dropbox.linkAccount(APP.clientId);
    const created = await call(account, 'POST', '/instances', createBody(code));
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      id: expect.any(Number),
      token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      name: 'Team Dropbox',
      element: { key: 'dropbox', hub: 'documents' },
      tags: ['docs'],
      eventsEnabled: true,
      providerData: { account_id: accountId },
      configuration: {
        'oauth.api.secret': '********',
        'event.notification.signature.key': '********',
        'event.notification.callback.url': 'https://callbacks.example.com/dropbox',
        'event.notification.enabled': 'true',
      },
    });
    const id = Number(created.body?.['id']);
    const read = await call(account, 'GET', `/instances/${id}`);
    expect(read.body).toEqual(created.body);
    const list = await call(account, 'GET', '/instances');
    expect((list.body as unknown as Array<{ id: number }>).map((i) => i.id)).toEqual([id]);
  });

  it('takes the Open Connectors example call: Microsoft Graph with events on and a callback URL', async () => {
    const account = await newAccount();
    const { code, user } = graph.linkUser(GRAPH_APP.clientId);
    const created = await call(account, 'POST', '/instances', {
      element: { key: 'microsoftgraph' },
      providerData: { code },
      configuration: {
        'oauth.api.key': GRAPH_APP.clientId,
        'oauth.api.secret': GRAPH_APP.clientSecret,
        'oauth.callback.url': GRAPH_APP.redirectUri,
        'event.notification.enabled': true,
        'event.notification.callback.url': 'https://callbacks.example.com/graph',
      },
      tags: ['outlook'],
      name: 'Outlook events',
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      element: { key: 'microsoftgraph', hub: 'general' },
      eventsEnabled: true,
      providerData: { user_id: user.id },
      // The clientState for Graph subscriptions is made up here and never shown.
      configuration: { 'event.webhook.secret': '********', 'oauth.api.secret': '********' },
    });
    const form = graph.server.requestsTo('POST', '/common/oauth2/v2.0/token').at(-1)?.form;
    expect(form).toMatchObject({ grant_type: 'authorization_code', code, redirect_uri: GRAPH_APP.redirectUri });
  });

  it('stores nothing when the provider refuses the code, and says why', async () => {
    const account = await newAccount();
    const refused = await call(account, 'POST', '/instances', createBody('not-a-code'));
    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({ requestId: expect.any(String), message: expect.stringContaining('Dropbox refused the authorization code') });
    expect((await call(account, 'GET', '/instances')).body).toEqual([]);
  });

  it.each([
    [{ 'event.notification.callback.url': 'ftp://x' }, 'event.notification.callback.url must be an http or https URL'],
    [{ 'event.vendor.type': 'polling' }, 'event.vendor.type polling is not supported by dropbox'],
    [{ 'event.poller.refresh_interval': '0' }, 'event.poller.refresh_interval must be a whole number'],
    [{ 'event.notification.enabled': 'yes' }, 'event.notification.enabled must be true or false'],
  ])('refuses configuration %j with 400', async (configuration, message) => {
    const account = await newAccount();
    const { code } = dropbox.linkAccount(APP.clientId);
    const answer = await call(account, 'POST', '/instances', createBody(code, configuration));
    expect(answer.status).toBe(400);
    expect(answer.body?.['message']).toContain(message);
    expect((await call(account, 'GET', '/instances')).body).toEqual([]);
  });

  it('refuses malformed bodies, unknown connectors and bad ids with 400', async () => {
    const account = await newAccount();
    expect((await call(account, 'POST', '/instances', { element: { key: 'dropbox' }, name: 'x' })).body?.['message']).toContain('providerData');
    expect((await call(account, 'POST', '/instances', { ...createBody('c'), element: { key: 'nosuch' } })).body?.['message']).toContain('element.key "nosuch" is not a connector');
    expect((await call(account, 'GET', '/instances/abc')).status).toBe(400);
    expect((await call(account, 'POST', '/instances', { ...createBody('c'), extra: 1 })).status).toBe(400);
  });

  it('answers 401 without valid secrets and 404 for another organization’s instance', async () => {
    const owner = await newAccount();
    const other = await newAccount();
    const { code } = dropbox.linkAccount(APP.clientId);
    const id = Number((await call(owner, 'POST', '/instances', createBody(code))).body?.['id']);
    expect((await call(undefined, 'GET', '/instances')).status).toBe(401);
    expect((await call({ authorization: 'User nope, Organization nope' }, 'GET', '/instances')).status).toBe(401);
    expect((await call({ authorization: 'Bearer x' }, 'GET', '/instances')).body).toEqual({ requestId: expect.any(String), message: expect.stringContaining('User <secret>, Organization <secret>') });
    for (const [method, path] of [['GET', `/instances/${id}`], ['PATCH', `/instances/${id}`], ['DELETE', `/instances/${id}`], ['GET', `/instances/${id}/configuration`]] as const) {
      expect((await call(other, method, path, method === 'PATCH' ? { name: 'stolen' } : undefined)).status).toBe(404);
    }
    expect((await call(other, 'GET', '/instances')).body).toEqual([]);
  });

  it('updates, changes one configuration entry, answers 409 to a stale version, and deletes', async () => {
    const account = await newAccount();
    const { code } = dropbox.linkAccount(APP.clientId);
    const id = Number((await call(account, 'POST', '/instances', createBody(code))).body?.['id']);
    const renamed = await call(account, 'PATCH', `/instances/${id}`, { name: 'Renamed', tags: ['a', 'b'], version: 2 });
    expect(renamed.body).toMatchObject({ name: 'Renamed', tags: ['a', 'b'], version: 3 });

    const racers = await Promise.all(['x', 'y', 'z'].map((name) => call(account, 'PATCH', `/instances/${id}`, { name, version: 3 })));
    expect(racers.map((r) => r.status).sort()).toEqual([200, 409, 409]);

    const entries = (await call(account, 'GET', `/instances/${id}/configuration`)).body as unknown as Array<{ id: number; key: string; propertyValue: string }>;
    const callback = entries.find((e) => e.key === 'event.notification.callback.url');
    expect(entries.find((e) => e.key === 'oauth.api.secret')?.propertyValue).toBe('********');
    const changed = await call(account, 'PATCH', `/instances/${id}/configuration/${callback?.id}`, { propertyValue: 'https://new.example.com/hook' });
    expect(changed.body).toMatchObject({ key: 'event.notification.callback.url', propertyValue: 'https://new.example.com/hook' });
    const disabled = await call(account, 'PATCH', `/instances/${id}/configuration/event.notification.enabled`, { propertyValue: false });
    expect(disabled.status).toBe(200);
    expect((await call(account, 'GET', `/instances/${id}`)).body).toMatchObject({ eventsEnabled: false });
    expect((await call(account, 'PATCH', `/instances/${id}/configuration/999`, { propertyValue: 'x' })).status).toBe(404);

    expect((await call(account, 'DELETE', `/instances/${id}`)).status).toBe(200);
    expect((await call(account, 'GET', `/instances/${id}`)).status).toBe(404);
    expect((await call(account, 'DELETE', `/instances/${id}`)).status).toBe(404);

    // Every change reached oc.instances.v1 once and in order, ending with a tombstone.
    const messages = await waitFor(() => {
      const found = recorder.withKey(String(id));
      return found.length >= 6 ? found : undefined;
    }, { timeoutMs: 15_000, what: 'the snapshots of the instance' });
    // Creation and enabling commit together (version 2), as do a configuration change and
    // the EventsDisabled it causes (version 7): one snapshot per commit.
    expect(messages.map((m) => Number(m.headers['version']))).toEqual([2, 3, 4, 5, 7, 8]);
    expect(messages.slice(0, -1).map((m) => (m.value as { version: number }).version)).toEqual([2, 3, 4, 5, 7]);
    expect(messages.at(-1)?.value).toBeNull();
  });

  it('publishes what a crash between commit and publish left in the outbox, once, on restart', async () => {
    const account = await newAccount();
    const { code } = dropbox.linkAccount(APP.clientId);
    const id = Number((await call(account, 'POST', '/instances', createBody(code))).body?.['id']);
    await waitFor(() => (recorder.withKey(String(id)).length >= 1 ? true : undefined), { timeoutMs: 15_000, what: 'the first snapshot' });
    // Stop the relay as a kill would, after the commit and before the publish.
    await app.get(InstanceOutboxRelay).stop();
    expect((await call(account, 'PATCH', `/instances/${id}`, { name: 'After crash' })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const before = recorder.withKey(String(id)).map((m) => Number(m.headers['version']));
    await app.close();
    app = await startService();
    const after = await waitFor(() => {
      const versions = recorder.withKey(String(id)).map((m) => Number(m.headers['version']));
      return versions.length > before.length ? versions : undefined;
    }, { timeoutMs: 15_000, what: 'the outbox to catch up' });
    expect(before).toEqual([2]);
    expect(after).toEqual([2, 3]);
    expect((recorder.withKey(String(id)).at(-1)?.value as { name: string }).name).toBe('After crash');
  });

  it('rebuilds the projection from the event store alone', async () => {
    const account = await newAccount();
    const { code } = dropbox.linkAccount(APP.clientId);
    const id = Number((await call(account, 'POST', '/instances', createBody(code))).body?.['id']);
    await call(account, 'PATCH', `/instances/${id}`, { name: 'Projected', tags: ['p'] });
    const before = (await call(account, 'GET', `/instances/${id}`)).body;
    const dataSource = app.get<DataSource>(getDataSourceToken(INSTANCE_SERVICE_DATABASE.name));
    await dataSource.query('DELETE FROM instance_service.instances');
    expect((await call(account, 'GET', `/instances/${id}`)).status).toBe(404);
    await app.get(InstancesService).rebuildProjection();
    expect((await call(account, 'GET', `/instances/${id}`)).body).toEqual(before);
  });

  it('serves the event log from the notification and delivery topics, paged, filtered and per organization', async () => {
    const account = await newAccount();
    const other = await newAccount();
    const { code } = dropbox.linkAccount(APP.clientId);
    const id = Number((await call(account, 'POST', '/instances', createBody(code))).body?.['id']);
    const eventIds = [0, 1, 2].map((i) => uniqueName(`ev${i}`));
    const bus = app.get<MessageBus>(MESSAGE_BUS);
    await bus.publish(TOPICS.notifications, eventIds.map((eventId) => ({ value: notification(id, eventId) })));
    await bus.publish(TOPICS.deliveries, [
      { value: { instanceId: id, eventId: eventIds[0] ?? '', attempt: 1, outcome: 'FAILED', attemptedAt: new Date().toISOString(), statusCode: 500, durationMs: 5 } },
      { value: { instanceId: id, eventId: eventIds[0] ?? '', attempt: 2, outcome: 'DELIVERED', attemptedAt: new Date().toISOString(), statusCode: 200, durationMs: 5 } },
      // A late copy of the failure must not move the event back.
      { value: { instanceId: id, eventId: eventIds[0] ?? '', attempt: 1, outcome: 'FAILED', attemptedAt: new Date().toISOString(), statusCode: 500, durationMs: 5 } },
    ]);
    const delivered = await waitFor(async () => {
      const answer = await call(account, 'GET', `/instances/${id}/events/${eventIds[0]}`);
      // Both topics must have been projected: deliveries can arrive before the notification.
      const body = answer.body;
      return answer.status === 200 && body?.['status'] === 'NOTIFIED' && body['attempts'] === 2 && body['notifiedData'] ? body : undefined;
    }, { timeoutMs: 20_000, what: 'the event log to record the delivery' });
    expect(delivered).toMatchObject({ id: eventIds[0], instanceId: id, providerData: { entries: 1 }, notifiedData: { message: { eventId: eventIds[0] } }, lastAttempt: { attempt: 2, outcome: 'DELIVERED' } });
    expect((await call(account, 'GET', `/instances/events/${eventIds[1]}`)).body).toMatchObject({ status: 'DISPATCHED', attempts: 0 });

    const first = await call(account, 'GET', `/instances/${id}/events?pageSize=2`);
    expect(first.body).toHaveLength(2);
    const token = first.headers.get('elements-next-page-token');
    expect(token).toBeTruthy();
    const second = await call(account, 'GET', `/instances/${id}/events?pageSize=2&nextPage=${token}`);
    const seen = [...(first.body as unknown as Array<{ id: string }>), ...(second.body as unknown as Array<{ id: string }>)].map((r) => r.id);
    expect(seen.sort()).toEqual([...eventIds].sort());
    expect((await call(account, 'GET', `/instances/events?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body).toEqual([]);
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const analytics = await call(account, 'GET', `/instances/events/analytics?from=${from}&to=${to}&interval=hour`);
    expect((analytics.body as unknown as Array<{ count: number }>).reduce((n, b) => n + b.count, 0)).toBe(3);

    expect((await call(other, 'GET', `/instances/events/${eventIds[0]}`)).status).toBe(404);
    expect((await call(other, 'GET', '/instances/events')).body).toEqual([]);
    expect((await call(other, 'GET', `/instances/${id}/events`)).status).toBe(404);
    expect((await call(account, 'GET', '/instances/events?nextPage=garbage')).status).toBe(400);
    expect((await call(account, 'GET', '/instances/events/analytics?from=x&to=y')).status).toBe(400);
  });

  it('records tokens another service refreshed, newest only, and passes them on in the next snapshot', async () => {
    const account = await newAccount();
    const { code } = dropbox.linkAccount(APP.clientId);
    const id = Number((await call(account, 'POST', '/instances', createBody(code))).body?.['id']);
    await waitFor(() => (recorder.withKey(String(id)).length >= 1 ? true : undefined), { timeoutMs: 15_000, what: 'the first snapshot' });
    const box = new SecretBox(Buffer.from(TEST_SECRETS_KEY, 'base64'));
    const report = (accessToken: string, refreshedAt: string) => ({
      value: {
        instanceId: id,
        elementKey: 'dropbox',
        sealedTokens: sealInstanceTokens(box, id, { accessToken, refreshToken: `${accessToken}-refresh` }),
        expiresAt: '2030-01-01T00:00:00.000Z',
        providerData: {},
        refreshedAt,
        refreshedBy: 'normalizer',
      },
    });
    const bus = app.get<MessageBus>(MESSAGE_BUS);
    await bus.publish(TOPICS.instanceTokens, [report('sl.new-access', '2026-11-23T12:00:00.000Z'), report('sl.older-access', '2026-11-23T11:00:00.000Z')]);
    const snapshot = await waitFor(() => {
      const latest = recorder.withKey(String(id)).at(-1)?.value as InstanceSnapshotMessage | undefined;
      return latest && latest.version > 2 ? latest : undefined;
    }, { timeoutMs: 15_000, what: 'a snapshot with the refreshed tokens' });
    const secrets = box.openRecord(snapshot.sealedSecrets ?? '', `instance:${id}`);
    expect(secrets['oauth.access_token']).toBe('sl.new-access');
    expect(secrets['oauth.refresh_token']).toBe('sl.new-access-refresh');
    expect(snapshot.tokenExpiresAt).toBe('2030-01-01T00:00:00.000Z');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(recorder.withKey(String(id)).map((m) => Number(m.headers['version']))).toEqual([2, 3]);
    expect(JSON.stringify((await call(account, 'GET', `/instances/${id}`)).body)).not.toContain('sl.new-access');
  });

  it('serves an OpenAPI document generated from the controllers and validation classes', async () => {
    const answer = await fetch(`${base}/docs/openapi.json`);
    expect(answer.status).toBe(200);
    const document = (await answer.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { $ref: string } }> } }>>;
      components: { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> };
    };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/elements/api-v2/instances',
        '/elements/api-v2/instances/{id}',
        '/elements/api-v2/instances/{id}/configuration',
        '/elements/api-v2/instances/{id}/configuration/{configurationId}',
        '/elements/api-v2/instances/events',
        '/elements/api-v2/instances/events/analytics',
        '/elements/api-v2/instances/events/{eventId}',
        '/elements/api-v2/instances/{id}/events',
        '/elements/api-v2/instances/{id}/events/{eventId}',
      ]),
    );
    expect(Object.keys(document.paths).some((path) => path.includes('health'))).toBe(false);
    const create = document.paths['/elements/api-v2/instances']?.['post'];
    const ref = create?.requestBody?.content['application/json']?.schema.$ref ?? '';
    const schema = document.components.schemas[ref.split('/').pop() ?? ''];
    expect(schema?.properties).toHaveProperty('element');
    expect(schema?.properties).toHaveProperty('providerData');
    expect(schema?.required).toEqual(expect.arrayContaining(['element', 'providerData', 'name']));
    expect((await fetch(`${base}/docs`)).headers.get('content-type')).toContain('text/html');
  });

  it('never shows a secret in a response or in clear text on oc.instances.v1', async () => {
    const secrets = [APP.clientSecret, SIGNATURE_KEY, GRAPH_APP.clientSecret];
    await waitFor(() => (recorder.messages.length > 0 ? true : undefined), { timeoutMs: 10_000, what: 'snapshots' });
    for (const text of [...responses, ...recorder.messages.map((m) => m.raw ?? '')]) {
      for (const secret of secrets) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/sl\.at-|sl\.rt-|eyJ0eXAi\.at-|eyJ0eXAi\.rt-/);
    }
  });
});

function notification(instanceId: number, eventId: string): EventNotification {
  return {
    id: eventId,
    topic: `instance-${instanceId}-dropbox-events`,
    severity: 'medium',
    action: 'create',
    createdDate: 'Mon Nov 23 10:00:00 UTC 2026',
    user: 'notifications@connector-events',
    message: {
      elementKey: 'dropbox',
      eventId,
      instanceId,
      instance_id: instanceId,
      instanceName: 'Team Dropbox',
      instanceTags: [],
      accountId: 1,
      companyId: 1,
      raw: { entries: 1 },
      events: [{ objectType: 'files', objectId: 'id:1', eventType: 'UPDATED', elementKey: 'dropbox', hubKey: 'documents', date: '2026-11-23T09:59:00Z' }],
    },
  } as EventNotification;
}
