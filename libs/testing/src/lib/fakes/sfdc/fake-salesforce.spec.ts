import { FakeSalesforce } from './fake-salesforce';

const APP = { clientId: '3MVG9fake.key', clientSecret: 'fake-secret', redirectUri: 'https://app.example.com/cb' };

describe('FakeSalesforce', () => {
  const fake = new FakeSalesforce();

  beforeAll(async () => {
    await fake.start();
    fake.registerApp(APP);
  });
  afterAll(() => fake.close());

  const token = (form: Record<string, string>) =>
    fetch(`${fake.server.baseUrl}/services/oauth2/token`, { method: 'POST', body: new URLSearchParams(form) }).then(async (r) => ({ status: r.status, json: (await r.json()) as Record<string, unknown> }));

  async function session(): Promise<{ organizationId: string; accessToken: string }> {
    const { organizationId, code } = fake.linkOrg(APP.clientId);
    const answer = await token({ grant_type: 'authorization_code', code, client_id: APP.clientId, client_secret: APP.clientSecret, redirect_uri: APP.redirectUri });
    return { organizationId, accessToken: String(answer.json['access_token']) };
  }

  const get = (path: string, accessToken: string, headers: Record<string, string> = {}) =>
    fetch(`${fake.server.baseUrl}${path}`, { headers: { authorization: `Bearer ${accessToken}`, ...headers } }).then(async (r) => ({ status: r.status, json: (await r.json()) as unknown }));

  it('answers the token endpoint the way Salesforce words its refusals', async () => {
    const { code } = fake.linkOrg(APP.clientId);
    const base = { client_id: APP.clientId, client_secret: APP.clientSecret, redirect_uri: APP.redirectUri };
    expect(await token({ ...base, grant_type: 'authorization_code', code, client_id: 'unknown' })).toEqual({
      status: 400,
      json: { error: 'invalid_client_id', error_description: 'client identifier invalid' },
    });
    expect((await token({ ...base, grant_type: 'authorization_code', code, client_secret: 'wrong' })).json).toEqual({ error: 'invalid_client', error_description: 'invalid client credentials' });
    expect((await token({ ...base, grant_type: 'authorization_code', code, redirect_uri: 'https://elsewhere' })).json).toEqual({
      error: 'redirect_uri_mismatch',
      error_description: 'redirect_uri must match configuration',
    });
    expect((await token({ ...base, grant_type: 'password' })).json).toEqual({ error: 'unsupported_grant_type', error_description: 'grant type not supported' });
    expect((await token({ ...base, grant_type: 'refresh_token', refresh_token: 'nope' })).json).toEqual({ error: 'invalid_grant', error_description: 'expired access/refresh token' });
    const granted = await token({ ...base, grant_type: 'authorization_code', code });
    expect(Object.keys(granted.json)).toEqual(['access_token', 'refresh_token', 'signature', 'scope', 'instance_url', 'id', 'token_type', 'issued_at']);
    expect((await token({ ...base, grant_type: 'authorization_code', code })).json).toEqual({ error: 'invalid_grant', error_description: 'authentication failure' });
  });

  it('honours Sforce-Query-Options batchSize within 200..2000, and refuses unknown query locators and API versions', async () => {
    const { organizationId, accessToken } = await session();
    for (let i = 0; i < 205; i++) fake.createRecord(organizationId, 'Account', { Name: `A${i}` });
    const q = encodeURIComponent('SELECT Id FROM Account');
    const first = await get(`/services/data/v62.0/query?q=${q}`, accessToken, { 'sforce-query-options': 'batchSize=200' });
    expect(first.json).toMatchObject({ totalSize: 205, done: false, nextRecordsUrl: expect.stringMatching(/-200$/) });
    const next = String((first.json as Record<string, unknown>)['nextRecordsUrl']);
    const rest = await get(next.replace('/query/', '/queryAll/'), accessToken);
    expect(rest.json).toMatchObject({ totalSize: 205, done: true });
    expect((rest.json as { records: unknown[] }).records).toHaveLength(5);
    expect(await get('/services/data/v62.0/query/01gAAAAAAAAAAAAAAA-200', accessToken)).toEqual({
      status: 400,
      json: [{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }],
    });
    expect((await get(`/services/data/latest/query?q=${q}`, accessToken)).status).toBe(404);
    const other = await session();
    expect((await get(next, other.accessToken)).status).toBe(400);
  });

  it('answers a bad query with MALFORMED_QUERY in Salesforce\'s error array', async () => {
    const { accessToken } = await session();
    const answer = await get(`/services/data/v62.0/queryAll?q=${encodeURIComponent('SELECT Id FROM Account WHERE SystemModstamp >')}`, accessToken);
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual([{ message: expect.stringContaining('unexpected token: <EOF>'), errorCode: 'MALFORMED_QUERY' }]);
    expect((await get('/services/data/v62.0/query', accessToken)).json).toEqual([{ message: 'A query string has to be specified', errorCode: 'MALFORMED_QUERY' }]);
  });

  it('checks the replication windows: start before end, required, readable, on a known object', async () => {
    const { accessToken } = await session();
    const at = (start: string, end: string, type = 'Account') =>
      get(`/services/data/v62.0/sobjects/${type}/updated/?start=${encodeURIComponent(start)}&end=${encodeURIComponent(end)}`, accessToken);
    const now = new Date();
    const minute = (offset: number) => new Date(now.getTime() + offset * 60_000).toISOString().replace('Z', '+00:00');
    expect((await at(minute(-5), minute(-1))).status).toBe(200);
    expect(await at(minute(-1), minute(-5))).toEqual({ status: 400, json: [{ message: 'startDate must chronologically precede endDate', errorCode: 'INVALID_REPLICATION_DATE' }] });
    expect((await at('yesterday', minute(-1))).json).toEqual([expect.objectContaining({ errorCode: 'INVALID_REPLICATION_DATE' })]);
    expect((await at(minute(-5), minute(-1), 'Nope')).status).toBe(404);
    expect((await get('/services/data/v62.0/sobjects/Account/deleted/', accessToken)).json).toEqual([expect.objectContaining({ errorCode: 'MISSING_ARGUMENT' })]);
  });
});
