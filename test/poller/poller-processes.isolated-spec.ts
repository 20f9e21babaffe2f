import { randomUUID } from 'node:crypto';
import { DEFAULT_KAFKA_BROKERS } from '@connector-events/config';
import { ProviderTokens } from '@connector-events/connectors';
import { ALL_TOPICS, KafkaMessageBus, TOPICS } from '@connector-events/messaging';
import { FakeAnswer, FakeHubSpot, FakeSalesforce, RecordedRequest, ServiceProcess, TopicRecorder, freePort, startApp, testEnvironment, waitFor } from '@connector-events/testing';
import { buildApps } from '../support/build-once';
import { TEST_MINUTE_MS, adapterFor, pollerSnapshot, polledRawEvents, reportedChanges, testInstanceId, testTag } from './support/poller-fixtures';

const APP = { clientId: 'poller-processes-app', clientSecret: 'poller-processes-secret', redirectUri: 'https://app.example.com/oauth' };

/**
 * The built poller as separate processes over the real Kafka and PostgreSQL: two of them share
 * the schedule (leases in PostgreSQL), and one killed in the middle of a poll leaves no gap.
 */
describe('poller processes', () => {
  const bus = new KafkaMessageBus({
    brokers: (process.env['KAFKA_BROKERS'] ?? DEFAULT_KAFKA_BROKERS).split(','),
    clientId: `poller-processes-test-${randomUUID()}`,
    topicPartitions: 3,
    onFatal: (error) => {
      throw error;
    },
  });
  const hubspot = new FakeHubSpot();
  const salesforce = new FakeSalesforce();
  const running: ServiceProcess[] = [];
  let raws: TopicRecorder;
  /** What the current test wants the fakes to answer instead of the provider. */
  let intercept: ((request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer> | undefined) | undefined;

  beforeAll(async () => {
    buildApps();
    for (const fake of [hubspot, salesforce]) {
      await fake.start();
      fake.registerApp(APP);
      fake.server.intercept = (request) => intercept?.(request);
    }
    await bus.start(ALL_TOPICS);
    raws = await new TopicRecorder(TOPICS.rawEvents.name).start();
  });
  afterAll(async () => {
    for (const process of running) await process.stop('SIGKILL');
    await raws?.stop();
    await bus.close();
    for (const fake of [hubspot, salesforce]) await fake.close();
  });

  async function startPoller(tag: string): Promise<ServiceProcess> {
    const process = await startApp(
      'poller',
      testEnvironment({
        PORT: String(await freePort()),
        POLLER_MINUTE_MS: String(TEST_MINUTE_MS),
        POLLER_INSTANCE_TAG: tag,
        PROVIDER_BASE_URL_HUBSPOT: hubspot.server.baseUrl,
        PROVIDER_BASE_URL_SFDC: salesforce.server.baseUrl,
      }),
    );
    running.push(process);
    return process;
  }

  function snapshotOf(id: number, elementKey: string, tag: string, tokens: ProviderTokens, configuration: Record<string, string>) {
    return pollerSnapshot({
      id,
      elementKey,
      tag,
      tokens: { accessToken: tokens.accessToken, ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}) },
      providerData: { ...tokens.providerData },
      secrets: { 'oauth.api.secret': APP.clientSecret },
      configuration: { 'oauth.api.key': APP.clientId, ...configuration },
    });
  }

  it('two processes together poll each instance exactly once per interval, and both do some of the work', async () => {
    const tag = testTag();
    const hs = adapterFor('hubspot', hubspot.server.baseUrl);
    const polls = new Map<string, number[]>();
    intercept = (request) => {
      if (request.path !== '/crm/v3/objects/contacts/search') return undefined;
      const token = request.headers['authorization'] ?? '';
      polls.set(token, [...(polls.get(token) ?? []), Date.now()]);
      return undefined;
    };
    const [first, second] = [await startPoller(tag), await startPoller(tag)];
    const tokens: string[] = [];
    const snapshots = [];
    for (let i = 0; i < 30; i++) {
      const { code } = hubspot.installApp(APP.clientId);
      const granted = await hs.oauth.exchangeCode({ code, ...APP, providerData: {} });
      tokens.push(`Bearer ${granted.accessToken}`);
      snapshots.push({ value: snapshotOf(testInstanceId(), 'hubspot', tag, granted, { 'event.objects': 'contacts', 'event.poller.refresh_interval': '2' }) });
    }
    await bus.publish(TOPICS.instances, snapshots);

    await waitFor(() => (tokens.every((token) => (polls.get(token)?.length ?? 0) >= 6) ? true : undefined), {
      timeoutMs: 60_000,
      what: 'six polls of every instance',
    });
    const interval = 2 * TEST_MINUTE_MS;
    for (const token of tokens) {
      const times = polls.get(token) ?? [];
      // Polled in the same slot twice, two polls would be a few milliseconds apart.
      for (let i = 1; i < times.length; i++) expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBeGreaterThan(interval / 2);
    }
    const pollsBy = async (process: ServiceProcess) => {
      const text = await (await fetch(`${process.url}/metrics`)).text();
      return [...text.matchAll(/^poller_polls_total\{[^}]*outcome="ok"[^}]*\} (\d+)/gm)].reduce((sum, match) => sum + Number(match[1]), 0);
    };
    expect(await pollsBy(first)).toBeGreaterThan(0);
    expect(await pollsBy(second)).toBeGreaterThan(0);
    await Promise.all([first.stop(), second.stop()]);
    intercept = undefined;
  });

  it('a poller killed in the middle of a poll and started again reports every change: no gap', async () => {
    const tag = testTag();
    const sf = adapterFor('sfdc', salesforce.server.baseUrl);
    const { organizationId, code } = salesforce.linkOrg(APP.clientId);
    const tokens = await sf.oauth.exchangeCode({ code, ...APP, providerData: {} });
    const id = testInstanceId();
    let poller = await startPoller(tag);
    await bus.publish(TOPICS.instances, [{ value: snapshotOf(id, 'sfdc', tag, tokens, { 'event.objects': 'Account' }) }]);
    const reported = () => reportedChanges(sf, polledRawEvents(raws, id)).map((change) => change.id);

    const r1 = String(salesforce.createRecord(organizationId, 'Account', { Name: 'Before the crash' })['Id']);
    await waitFor(() => (reported().includes(r1) ? true : undefined), { what: 'the first change' });

    // The next poll hangs at the provider; the process is killed while it waits.
    let hanging: (() => void) | undefined;
    intercept = (request) => {
      if (!request.path.endsWith('/queryAll')) return undefined;
      return new Promise<FakeAnswer>((resolve) => (hanging = () => resolve({ status: 503, json: [{ errorCode: 'SERVER_UNAVAILABLE', message: 'down' }] })));
    };
    const r2 = String(salesforce.createRecord(organizationId, 'Account', { Name: 'In the killed poll' })['Id']);
    await waitFor(() => (hanging ? true : undefined), { what: 'a poll to reach the provider' });
    expect(await poller.stop('SIGKILL')).toBeNull();
    running.splice(running.indexOf(poller), 1);
    intercept = undefined;
    hanging?.();

    const r3 = String(salesforce.createRecord(organizationId, 'Account', { Name: 'While no poller ran' })['Id']);
    poller = await startPoller(tag);
    // The killed process's lease expires (5 poller minutes), then the poll is repeated from the old watermark.
    await waitFor(() => (reported().includes(r2) && reported().includes(r3) ? true : undefined), { timeoutMs: 60_000, what: 'the changes after the crash' });
    expect(new Set(reported())).toEqual(new Set([r1, r2, r3]));
    await poller.stop();
  });
});
