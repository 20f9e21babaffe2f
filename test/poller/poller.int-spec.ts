import { INestApplication } from '@nestjs/common';
import { ConnectorAdapter, ProviderTokens } from '@connector-events/connectors';
import { InstanceSnapshotMessage, InstanceTokensMessage, MESSAGE_BUS, MessageBus, TOPICS } from '@connector-events/messaging';
import { FakeAnswer, FakeHubSpot, FakeQuickBooks, FakeSalesforce, RecordedRequest, TopicRecorder, waitFor } from '@connector-events/testing';
import {
  PolledInstance,
  ReportedChange,
  TEST_MINUTE_MS,
  adapterFor,
  pollerDataSource,
  pollerSnapshot,
  polledRawEvents,
  reportedChanges,
  startPoller,
  testInstanceId,
  testTag,
} from './support/poller-fixtures';

const APP = { clientId: 'poller-it-app', clientSecret: 'poller-it-secret', redirectUri: 'https://app.example.com/oauth' };
const MINUTES_AGO = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const SECONDS_AGO = (seconds: number) => new Date(Date.now() - seconds * 1000);
const sorted = (changes: ReportedChange[]) => [...changes].sort((a, b) => `${a.objectType}/${a.id}`.localeCompare(`${b.objectType}/${b.id}`));

/**
 * The poller in this process over the real Kafka and PostgreSQL, polling the provider fakes with
 * a one-second "minute" (POLLER_MINUTE_MS). Each test has its own fake, so the fake's request
 * log is that instance's polls.
 */
describe('poller over Kafka and PostgreSQL', () => {
  const tag = testTag();
  const hubspot = new FakeHubSpot();
  const quickbooks = new FakeQuickBooks();
  const salesforce = new FakeSalesforce();
  let app: INestApplication;
  let bus: MessageBus;
  let raws: TopicRecorder;
  let tokensTopic: TopicRecorder;
  const arrivals = new WeakMap<RecordedRequest, number>();
  /** A test's own answers on the HubSpot fake (the poller has one base URL per provider). */
  let throttle: ((request: RecordedRequest) => FakeAnswer | undefined) | undefined;

  beforeAll(async () => {
    for (const fake of [hubspot, quickbooks, salesforce]) {
      await fake.start();
      fake.registerApp(APP);
    }
    // The poller first: on a fresh broker its start creates the topics the recorders read.
    app = await startPoller(tag, {
      PROVIDER_BASE_URL_HUBSPOT: hubspot.server.baseUrl,
      PROVIDER_BASE_URL_QUICKBOOKS: quickbooks.server.baseUrl,
      PROVIDER_BASE_URL_SFDC: salesforce.server.baseUrl,
    });
    [raws, tokensTopic] = await Promise.all([new TopicRecorder(TOPICS.rawEvents.name).start(), new TopicRecorder(TOPICS.instanceTokens.name).start()]);
    bus = app.get<MessageBus>(MESSAGE_BUS);
    hubspot.server.intercept = (request) => {
      arrivals.set(request, Date.now());
      return throttle?.(request);
    };
  });
  afterAll(async () => {
    await app?.close();
    await Promise.all([raws?.stop(), tokensTopic?.stop()]);
    for (const fake of [hubspot, quickbooks, salesforce]) await fake.close();
  });

  async function publish(snapshot: InstanceSnapshotMessage): Promise<void> {
    await bus.publish(TOPICS.instances, [{ value: snapshot }]);
  }

  function instance(id: number, elementKey: string, tokens: ProviderTokens, extra: Partial<PolledInstance> = {}): PolledInstance {
    return {
      id,
      elementKey,
      tag,
      tokens: { accessToken: tokens.accessToken, ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}) },
      providerData: { ...tokens.providerData },
      secrets: { 'oauth.api.secret': APP.clientSecret },
      ...extra,
      configuration: { 'oauth.api.key': APP.clientId, ...extra.configuration },
    };
  }

  async function changesOf(adapter: ConnectorAdapter, id: number, count: number): Promise<ReportedChange[]> {
    return waitFor(
      () => {
        const changes = reportedChanges(adapter, polledRawEvents(raws, id));
        return changes.length >= count ? changes : undefined;
      },
      { timeoutMs: 30_000, what: `${count} changes of instance ${id}` },
    );
  }

  /** Waits for `polls` more polls (each asks `path` once) and the one after, whose request proves the earlier ones published. */
  async function morePolls(requests: () => RecordedRequest[], polls: number): Promise<void> {
    const seen = requests().length;
    await waitFor(() => (requests().length >= seen + polls + 1 ? true : undefined), { timeoutMs: 30_000, what: `${polls} more polls` });
  }

  it('HubSpot: reports exactly the contacts changed between polls, CREATED or UPDATED, from the moment events were enabled', async () => {
    const hs = adapterFor('hubspot', hubspot.server.baseUrl);
    const { portal, code } = hubspot.installApp(APP.clientId);
    const tokens = await hs.oauth.exchangeCode({ code, ...APP, providerData: {} });
    const p = portal.portalId;
    const enabledAt = SECONDS_AGO(60);
    const old = hubspot.createRecord(p, 'contacts', { email: 'old@example.com' }, MINUTES_AGO(10));
    // Changed 5 s before events were enabled: inside the 60 s pollDelay, still not reported.
    hubspot.createRecord(p, 'contacts', { email: 'before@example.com' }, new Date(enabledAt.getTime() - 5_000));
    hubspot.createRecord(p, 'companies', { name: 'Not polled' }, SECONDS_AGO(30));
    const added = hubspot.createRecord(p, 'contacts', { email: 'added@example.com' }, SECONDS_AGO(30));
    hubspot.updateRecord(p, 'contacts', old.id, { firstname: 'Renamed' }, SECONDS_AGO(20));
    const id = testInstanceId();
    await publish(pollerSnapshot(instance(id, 'hubspot', tokens, { configuration: { 'event.objects': 'contacts' }, updatedDate: enabledAt })));

    const first = await changesOf(hs, id, 2);
    expect(first).toEqual([
      { objectType: 'contacts', id: added.id, type: 'CREATED' },
      { objectType: 'contacts', id: old.id, type: 'UPDATED' },
    ]);
    const searches = () => hubspot.server.requestsTo('POST', '/crm/v3/objects/contacts/search');
    // Polls go on every second; what they read again inside the pollDelay window is not reported again.
    await morePolls(searches, 3);
    expect(reportedChanges(hs, polledRawEvents(raws, id))).toEqual(first);
    expect(hubspot.server.requestsTo('POST', '/crm/v3/objects/companies/search')).toHaveLength(0);

    hubspot.updateRecord(p, 'contacts', added.id, { firstname: 'Changed' });
    const next = hubspot.createRecord(p, 'contacts', { email: 'next@example.com' });
    expect((await changesOf(hs, id, 4)).slice(2)).toEqual([
      { objectType: 'contacts', id: added.id, type: 'UPDATED' },
      { objectType: 'contacts', id: next.id, type: 'CREATED' },
    ]);
    await morePolls(searches, 2);
    expect(reportedChanges(hs, polledRawEvents(raws, id))).toHaveLength(4);
    // One raw polling event per poll with changes, in the shape the normalizer reads.
    for (const raw of polledRawEvents(raws, id)) {
      expect(raw).toMatchObject({ instanceId: id, elementKey: 'hubspot', source: 'polling', body: { objectType: 'contacts', pollDate: expect.any(Number) } });
    }
  });

  it('QuickBooks: reports exactly the entities changed between polls through CDC, deletions included', async () => {
    const qb = adapterFor('quickbooks', quickbooks.server.baseUrl);
    const { realmId, code } = quickbooks.connectCompany(APP.clientId);
    const tokens = await qb.oauth.exchangeCode({ code, ...APP, providerData: { realmId } });
    const enabledAt = SECONDS_AGO(60);
    const at = <T>(date: Date, change: () => T): T => {
      quickbooks.clock = () => date;
      try {
        return change();
      } finally {
        quickbooks.clock = () => new Date();
      }
    };
    const old = at(MINUTES_AGO(10), () => quickbooks.createEntity(realmId, 'Customer', { DisplayName: 'Old' }));
    const gone = at(MINUTES_AGO(10), () => quickbooks.createEntity(realmId, 'Customer', { DisplayName: 'Gone' }));
    at(new Date(enabledAt.getTime() - 5_000), () => quickbooks.createEntity(realmId, 'Customer', { DisplayName: 'Before' }));
    const added = at(SECONDS_AGO(30), () => quickbooks.createEntity(realmId, 'Customer', { DisplayName: 'Added' }));
    const invoice = at(SECONDS_AGO(30), () => quickbooks.createEntity(realmId, 'Invoice', { TotalAmt: 120 }));
    at(SECONDS_AGO(30), () => quickbooks.createEntity(realmId, 'Payment', { TotalAmt: 5 }));
    at(SECONDS_AGO(15), () => quickbooks.updateEntity(realmId, 'Customer', String(old['Id']), { DisplayName: 'Old, renamed' }));
    at(SECONDS_AGO(15), () => quickbooks.deleteEntity(realmId, 'Customer', String(gone['Id'])));
    const id = testInstanceId();
    await publish(pollerSnapshot(instance(id, 'quickbooks', tokens, { configuration: { 'event.objects': 'customers,invoices' }, updatedDate: enabledAt })));

    const first = sorted(await changesOf(qb, id, 4));
    expect(first).toEqual(
      sorted([
        { objectType: 'customers', id: String(added['Id']), type: 'CREATED' },
        { objectType: 'customers', id: String(old['Id']), type: 'UPDATED' },
        { objectType: 'customers', id: String(gone['Id']), type: 'DELETED' },
        { objectType: 'invoices', id: String(invoice['Id']), type: 'CREATED' },
      ]),
    );
    const cdc = () => quickbooks.server.requestsTo('GET', `/v3/company/${realmId}/cdc`);
    await morePolls(cdc, 4);
    expect(reportedChanges(qb, polledRawEvents(raws, id))).toHaveLength(4);

    quickbooks.updateEntity(realmId, 'Invoice', String(invoice['Id']), { TotalAmt: 150 });
    expect((await changesOf(qb, id, 5)).slice(4)).toEqual([{ objectType: 'invoices', id: String(invoice['Id']), type: 'UPDATED' }]);
    await morePolls(cdc, 4);
    expect(reportedChanges(qb, polledRawEvents(raws, id))).toHaveLength(5);
  });

  it('Salesforce: reports exactly the records changed between polls through queryAll, deletions included', async () => {
    const sf = adapterFor('sfdc', salesforce.server.baseUrl);
    const { organizationId: orgId, code } = salesforce.linkOrg(APP.clientId);
    const tokens = await sf.oauth.exchangeCode({ code, ...APP, providerData: {} });
    const at = (date: Date) => (salesforce.clock = () => date);
    const enabledAt = SECONDS_AGO(60);
    let old: Record<string, unknown>;
    let gone: Record<string, unknown>;
    let added: Record<string, unknown>;
    try {
      at(MINUTES_AGO(10));
      old = salesforce.createRecord(orgId, 'Account', { Name: 'Old' });
      gone = salesforce.createRecord(orgId, 'Account', { Name: 'Gone' });
      at(new Date(enabledAt.getTime() - 5_000));
      salesforce.createRecord(orgId, 'Account', { Name: 'Before' });
      at(SECONDS_AGO(30));
      added = salesforce.createRecord(orgId, 'Account', { Name: 'Added' });
      salesforce.createRecord(orgId, 'Contact', { LastName: 'Not polled' });
      at(SECONDS_AGO(15));
      salesforce.updateRecord(orgId, String(old['Id']), { Name: 'Old, renamed' });
      salesforce.deleteRecord(orgId, String(gone['Id']));
    } finally {
      salesforce.clock = () => new Date();
    }
    const id = testInstanceId();
    // Salesforce polls by default (its first events method), no event.vendor.type needed.
    await publish(pollerSnapshot(instance(id, 'sfdc', tokens, { configuration: { 'event.objects': 'Account', 'event.vendor.type': '' }, updatedDate: enabledAt })));

    const first = sorted(await changesOf(sf, id, 3));
    expect(first).toEqual(
      sorted([
        { objectType: 'Account', id: String(added['Id']), type: 'CREATED' },
        { objectType: 'Account', id: String(old['Id']), type: 'UPDATED' },
        { objectType: 'Account', id: String(gone['Id']), type: 'DELETED' },
      ]),
    );
    const queries = () => salesforce.server.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/queryAll'));
    await morePolls(queries, 3);
    expect(reportedChanges(sf, polledRawEvents(raws, id))).toHaveLength(3);

    salesforce.updateRecord(orgId, String(added['Id']), { Name: 'Added, renamed' });
    expect((await changesOf(sf, id, 4)).slice(3)).toEqual([{ objectType: 'Account', id: String(added['Id']), type: 'UPDATED' }]);
    await morePolls(queries, 3);
    expect(reportedChanges(sf, polledRawEvents(raws, id))).toHaveLength(4);
  });

  it('refreshes an expired access token through the adapter, once, and reports the new tokens on oc.instances.tokens.v1', async () => {
    const hs = adapterFor('hubspot', hubspot.server.baseUrl);
    const { portal, code } = hubspot.installApp(APP.clientId);
    const tokens = await hs.oauth.exchangeCode({ code, ...APP, providerData: {} });
    const id = testInstanceId();
    const enabledAt = SECONDS_AGO(60);
    const added = hubspot.createRecord(portal.portalId, 'deals', { dealname: 'Big one' }, SECONDS_AGO(30));
    // HubSpot refuses the access token; the refresh token is good (and HubSpot rotates it).
    await publish(pollerSnapshot(instance(id, 'hubspot', { ...tokens, accessToken: 'CN-revoked-access-token' }, { configuration: { 'event.objects': 'deals' }, updatedDate: enabledAt })));

    expect(await changesOf(hs, id, 1)).toEqual([{ objectType: 'deals', id: added.id, type: 'CREATED' }]);
    const reported = await waitFor(() => tokensTopic.withKey(String(id))[0]?.value as InstanceTokensMessage | undefined, { what: 'the refreshed tokens' });
    expect(reported).toMatchObject({ instanceId: id, elementKey: 'hubspot', refreshedBy: 'poller', sealedTokens: expect.any(String) });
    expect(JSON.stringify(reported)).not.toContain(tokens.refreshToken);
    // Later polls use the refreshed tokens the poller stored (instance-service is not running to record them).
    const searches = () => hubspot.server.requestsTo('POST', '/crm/v3/objects/deals/search');
    await morePolls(searches, 3);
    expect(tokensTopic.withKey(String(id))).toHaveLength(1);
    const authorizations = searches().slice(-3).map((r) => r.headers['authorization']);
    expect(new Set(authorizations).size).toBe(1);
    expect(authorizations[0]).not.toBe('Bearer CN-revoked-access-token');
  });

  it('honours a 429 Retry-After: the instance is not asked again before the wait is over', async () => {
    const hs = adapterFor('hubspot', hubspot.server.baseUrl);
    const { portal, code } = hubspot.installApp(APP.clientId);
    const tokens = await hs.oauth.exchangeCode({ code, ...APP, providerData: {} });
    const times: number[] = [];
    let throttled: number | undefined;
    throttle = (request) => {
      if (!request.path.endsWith('/search') || request.headers['authorization'] !== `Bearer ${tokens.accessToken}`) return undefined;
      times.push(Date.now());
      if (throttled !== undefined) return undefined;
      throttled = Date.now();
      return { status: 429, headers: { 'retry-after': '4' }, json: { status: 'error', message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT' } };
    };
    const added = hubspot.createRecord(portal.portalId, 'contacts', { email: 'late@example.com' }, SECONDS_AGO(30));
    const id = testInstanceId();
    await publish(pollerSnapshot(instance(id, 'hubspot', tokens, { configuration: { 'event.objects': 'contacts' }, updatedDate: SECONDS_AGO(60) })));

    expect(await changesOf(hs, id, 1)).toEqual([{ objectType: 'contacts', id: added.id, type: 'CREATED' }]);
    // Polled every second otherwise; after the 429 the next call waited the 4 s HubSpot asked for.
    expect(times.length).toBeGreaterThanOrEqual(2);
    expect((times[1] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(4_000 - 50);
    const metrics = await (await fetch(`${await app.getUrl()}/metrics`)).text();
    expect(metrics).toMatch(/poller_polls_total\{[^}]*outcome="throttled"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/poller_schedule_lag_seconds_count\{[^}]*element_key="hubspot"[^}]*\} [1-9]/);
  });

  it('takes instance changes without a restart: new interval, disabled, enabled again (from then on), deleted', async () => {
    const hs = adapterFor('hubspot', hubspot.server.baseUrl);
    const { portal, code } = hubspot.installApp(APP.clientId);
    const tokens = await hs.oauth.exchangeCode({ code, ...APP, providerData: {} });
    const p = portal.portalId;
    const id = testInstanceId();
    const db = pollerDataSource(app);
    const row = async () =>
      ((await db.query(`SELECT enabled, interval_ms, lease_token FROM poller.poll_schedules WHERE scope = $1 AND instance_id = $2`, [tag, id])) as { enabled: boolean; interval_ms: string; lease_token: string | null }[])[0];
    const base = instance(id, 'hubspot', tokens, { configuration: { 'event.objects': 'tickets' } });
    const searches = () => hubspot.server.requests.filter((r) => r.path === '/crm/v3/objects/tickets/search' && r.json !== undefined && r.headers['authorization'] === `Bearer ${tokens.accessToken}`);

    await publish(pollerSnapshot({ ...base, version: 1, updatedDate: SECONDS_AGO(1) }));
    const first = hubspot.createRecord(p, 'tickets', { subject: 'First' });
    expect(await changesOf(hs, id, 1)).toEqual([{ objectType: 'tickets', id: first.id, type: 'CREATED' }]);

    // Every 3 minutes now.
    await publish(pollerSnapshot({ ...base, version: 2, configuration: { ...base.configuration, 'event.poller.refresh_interval': '3' } }));
    await waitFor(async () => ((await row())?.interval_ms === String(3 * TEST_MINUTE_MS) ? true : undefined), { what: 'the new interval' });
    const before = searches().length;
    await waitFor(() => (searches().length >= before + 3 ? true : undefined), { timeoutMs: 30_000, what: 'three polls at the new interval' });
    // The first poll after the change may still be on the old slot; the ones after it are 3 s apart.
    const gaps = pollGaps(searches().slice(before + 1));
    expect(gaps.length).toBeGreaterThanOrEqual(1);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(3 * TEST_MINUTE_MS - 500);

    // Disabled: no more polls, and a change made meanwhile is never reported.
    await publish(pollerSnapshot({ ...base, version: 3, eventsEnabled: false }));
    await waitFor(async () => {
      const current = await row();
      return current && !current.enabled && current.lease_token === null ? true : undefined;
    }, { what: 'the schedule disabled' });
    const polled = searches().length;
    hubspot.createRecord(p, 'tickets', { subject: 'While disabled' });
    await new Promise((resolve) => setTimeout(resolve, 4 * TEST_MINUTE_MS));
    expect(searches()).toHaveLength(polled);

    // Enabled again: polls start from this moment, not from where they stopped.
    await publish(pollerSnapshot({ ...base, version: 4, configuration: base.configuration, updatedDate: new Date() }));
    const after = hubspot.createRecord(p, 'tickets', { subject: 'After' }, new Date(Date.now() + 5));
    expect((await changesOf(hs, id, 2)).slice(1)).toEqual([{ objectType: 'tickets', id: after.id, type: 'CREATED' }]);
    await morePolls(searches, 2);
    expect(reportedChanges(hs, polledRawEvents(raws, id))).toHaveLength(2);

    // Deleted: the schedule and the watermarks go.
    await bus.publish(TOPICS.instances, [{ key: String(id), value: null }]);
    await waitFor(async () => {
      const [counts] = (await db.query(
        `SELECT (SELECT count(*) FROM poller.poll_schedules WHERE scope = $1 AND instance_id = $2) AS schedules,
                (SELECT count(*) FROM poller.poll_watermarks WHERE scope = $1 AND instance_id = $2) AS watermarks`,
        [tag, id],
      )) as { schedules: string; watermarks: string }[];
      return counts?.schedules === '0' && counts.watermarks === '0' ? true : undefined;
    }, { what: 'the deleted instance forgotten' });
  });

  /** Gaps between polls, timed by their arrival at the fake. */
  function pollGaps(requests: RecordedRequest[]): number[] {
    const arrival = requests.map((request) => arrivals.get(request) ?? 0);
    return arrival.slice(1).map((time, i) => time - (arrival[i] ?? 0));
  }
});
