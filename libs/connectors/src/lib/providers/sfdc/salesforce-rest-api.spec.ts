import { FakeSalesforce, present } from '@connector-events/testing';
import { ConnectorAdapter } from '../../core/connector-adapter';
import { RefreshingSession } from '../../core/refreshing-session';
import { ConnectorRegistry } from '../../registry/connector-registry';
import { SalesforcePolling } from './salesforce-polling';
import { SalesforceRestApi } from './salesforce-rest-api';
import { SFDC_CONNECTOR } from './sfdc.connector';

const APP = { clientId: '3MVG9sfdc.replication.key', clientSecret: 'sfdc-replication-secret', redirectUri: 'https://app.example.com/oauth/sfdc' };
const NOW = Date.parse('2024-05-20T12:00:00.000Z');
const minutesAgo = (minutes: number) => new Date(NOW - minutes * 60_000);
const daysAgo = (days: number) => new Date(NOW - days * 86_400_000);

describe('Salesforce replication resources (updated / deleted)', () => {
  const fake = new FakeSalesforce();
  let sfdc: ConnectorAdapter;
  let api: SalesforceRestApi;
  let now = NOW;

  beforeAll(async () => {
    await fake.start();
    fake.registerApp(APP);
    fake.clock = () => new Date(now);
    sfdc = new ConnectorRegistry({ modules: [SFDC_CONNECTOR], providerBaseUrls: { sfdc: fake.server.baseUrl } }).get('sfdc');
    api = (present(sfdc.polling) as SalesforcePolling).restApi;
  });
  afterAll(() => fake.close());

  async function provision(): Promise<{ organizationId: string; instanceUrl: string; session: RefreshingSession }> {
    const { organizationId, code } = fake.linkOrg(APP.clientId);
    const tokens = await sfdc.oauth.exchangeCode({ code, ...APP, providerData: {} });
    const session = new RefreshingSession(sfdc.oauth, { clientId: APP.clientId, clientSecret: APP.clientSecret, providerData: tokens.providerData }, tokens);
    return { organizationId, instanceUrl: tokens.providerData['instance_url'] ?? '', session };
  }

  it('lists updated ids in the window, seconds truncated, with latestDateCovered as ISO 8601', async () => {
    const { organizationId, instanceUrl, session } = await provision();
    now = minutesAgo(90).getTime();
    const before = fake.createRecord(organizationId, 'Account', { Name: 'Before the window' });
    now = minutesAgo(30).getTime();
    const created = fake.createRecord(organizationId, 'Account', { Name: 'Created' });
    const updated = fake.createRecord(organizationId, 'Account', { Name: 'Updated' });
    fake.createRecord(organizationId, 'Contact', { LastName: 'Other type' });
    now = minutesAgo(20).getTime();
    fake.updateRecord(organizationId, String(updated['Id']), { Industry: 'Energy' });
    now = NOW;

    const result = await api.updated(session, instanceUrl, 'Account', new Date(minutesAgo(60).getTime() + 45_000), minutesAgo(10));
    expect(result).toEqual({ ids: [created['Id'], updated['Id']], latestDateCovered: minutesAgo(10).toISOString() });
    expect(result.ids).not.toContain(before['Id']);
    const call = fake.server.requests.at(-1);
    expect(call?.path).toBe('/services/data/v62.0/sobjects/Account/updated/');
    expect(call?.query).toEqual({ start: '2024-05-20T11:00:00+00:00', end: '2024-05-20T11:50:00+00:00' });
  });

  it('lists deletions with their dates and the earliest date still available', async () => {
    now = minutesAgo(120).getTime();
    const { organizationId, instanceUrl, session } = await provision();
    now = minutesAgo(50).getTime();
    const kept = fake.createRecord(organizationId, 'Lead', { LastName: 'Kept', Company: 'K' });
    const gone = fake.createRecord(organizationId, 'Lead', { LastName: 'Gone', Company: 'G' });
    now = minutesAgo(40).getTime();
    fake.deleteRecord(organizationId, String(gone['Id']));
    now = NOW;

    const deleted = await api.deleted(session, instanceUrl, 'Lead', minutesAgo(60), nowDate());
    expect(deleted.deletedRecords).toEqual([{ id: gone['Id'], deletedDate: minutesAgo(40).toISOString() }]);
    expect(deleted.latestDateCovered).toBe(nowDate().toISOString());
    expect(deleted.earliestDateAvailable).toBe(minutesAgo(120).toISOString());
    const updated = await api.updated(session, instanceUrl, 'Lead', minutesAgo(60), nowDate());
    expect(updated.ids).toEqual([kept['Id']]);

    // Once the recycle bin is emptied, the log starts over: a cursor before that has lost deletions.
    now = minutesAgo(15).getTime();
    fake.purgeRecycleBin(organizationId);
    now = NOW;
    const purged = await api.deleted(session, instanceUrl, 'Lead', minutesAgo(60), nowDate());
    expect(purged).toEqual({ deletedRecords: [], earliestDateAvailable: minutesAgo(15).toISOString(), latestDateCovered: nowDate().toISOString() });
  });

  it('passes on Salesforce refusing windows older than 30 (updated) or 15 (deleted) days', async () => {
    const { instanceUrl, session } = await provision();
    await expect(api.updated(session, instanceUrl, 'Account', daysAgo(20), nowDate())).resolves.toMatchObject({ ids: [] });
    for (const call of [
      () => api.updated(session, instanceUrl, 'Account', daysAgo(32), nowDate()),
      () => api.deleted(session, instanceUrl, 'Account', daysAgo(17), nowDate()),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'provider_request_failed', retryable: false, message: expect.stringContaining('INVALID_REPLICATION_DATE') });
    }
  });

  it('refuses, before calling, a window that is empty once seconds are dropped, and names that are not sObjects', async () => {
    const { instanceUrl, session } = await provision();
    const calls = fake.server.requests.length;
    await expect(api.updated(session, instanceUrl, 'Account', new Date(NOW + 5_000), new Date(NOW + 50_000))).rejects.toMatchObject({ code: 'configuration_invalid' });
    await expect(api.deleted(session, instanceUrl, 'Account', nowDate(), minutesAgo(5))).rejects.toMatchObject({ code: 'configuration_invalid' });
    await expect(api.updated(session, instanceUrl, 'Account/../../x', minutesAgo(5), nowDate())).rejects.toMatchObject({ code: 'configuration_invalid' });
    await expect(api.updated(session, instanceUrl, 'Account', new Date(NaN), nowDate())).rejects.toMatchObject({ code: 'configuration_invalid' });
    expect(fake.server.requests.length).toBe(calls);
  });

  it('refreshes once when Salesforce answers INVALID_SESSION_ID, keeping the refresh token', async () => {
    const { instanceUrl, session } = await provision();
    const before = session.current;
    fake.expireSessions();
    const result = await api.updated(session, instanceUrl, 'Account', minutesAgo(5), nowDate());
    expect(result.ids).toEqual([]);
    expect(session.current.accessToken).not.toBe(before.accessToken);
    expect(session.current.refreshToken).toBe(before.refreshToken);
    const refused = fake.server.requests.filter((r) => r.path.endsWith('/updated/')).at(-2);
    expect(refused?.headers['authorization']).toBe(`Bearer ${before.accessToken}`);
  });

  it('reports a refresh token Salesforce no longer accepts', async () => {
    const { instanceUrl, session } = await provision();
    fake.expireSessions();
    fake.oauth.revokeRefreshTokens();
    await expect(api.deleted(session, instanceUrl, 'Account', minutesAgo(5), nowDate())).rejects.toMatchObject({
      code: 'oauth_refresh_rejected',
      message: expect.stringContaining('expired access/refresh token'),
    });
  });

  it('answers INVALID_SESSION_ID as Salesforce does for a bad bearer token', async () => {
    const answer = await fetch(`${fake.server.baseUrl}/services/data/v62.0/sobjects/Account/updated/?start=x&end=y`, { headers: { authorization: 'Bearer nope' } });
    expect(answer.status).toBe(401);
    expect(await answer.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
  });
});

function nowDate(): Date {
  return new Date(NOW);
}
