import {
  FakeDropbox,
  arbitraryMutation,
  arbitraryRawBody,
  expectNormalizedValid,
  expectSchemaValid,
  inboundWebhook,
  onlyConnectorErrors,
  present,
} from '@connector-events/testing';
import fc from 'fast-check';
import { ConnectorAdapter } from '../../core/connector-adapter';
import { ConnectorError } from '../../core/connector-error';
import { ConnectorInstance } from '../../core/connector-instance';
import { RefreshingSession } from '../../core/refreshing-session';
import { ConnectorRegistry } from '../../registry/connector-registry';
import { DROPBOX_CONNECTOR } from './dropbox.connector';

const APP = { clientId: 'dbx-app-key', clientSecret: 'dbx-app-secret', redirectUri: 'https://app.example.com/oauth' };

describe('Dropbox connector', () => {
  const fake = new FakeDropbox();
  let dropbox: ConnectorAdapter;

  beforeAll(async () => {
    await fake.start();
    fake.registerApp(APP);
    dropbox = new ConnectorRegistry({ modules: [DROPBOX_CONNECTOR], providerBaseUrls: { dropbox: fake.server.baseUrl } }).get('dropbox');
  });
  afterAll(() => fake.close());

  /** A linked account with an instance whose session refreshes through the fake. */
  async function provision(): Promise<{ accountId: string; instance: ConnectorInstance; session: RefreshingSession }> {
    const { accountId, code } = fake.linkAccount(APP.clientId);
    const tokens = await dropbox.oauth.exchangeCode({ code, clientId: APP.clientId, clientSecret: APP.clientSecret, redirectUri: APP.redirectUri, providerData: {} });
    const instance: ConnectorInstance = {
      id: 7,
      elementKey: 'dropbox',
      configuration: { 'oauth.api.key': APP.clientId, 'oauth.api.secret': APP.clientSecret },
      providerData: tokens.providerData,
    };
    const session = new RefreshingSession(dropbox.oauth, { ...APP, providerData: tokens.providerData }, tokens);
    return { accountId, instance, session };
  }

  describe('OAuth', () => {
    it('exchanges a code for tokens and learns the account id', async () => {
      const { accountId, instance, session } = await provision();
      expect(instance.providerData['account_id']).toBe(accountId);
      expect(session.current.refreshToken).toMatch(/^sl\.rt-/);
      expect(Date.parse(session.current.expiresAt ?? '')).toBeGreaterThan(Date.now() + 14_000_000);
      const call = fake.server.requestsTo('POST', '/oauth2/token').at(-1);
      expect(call?.form).toMatchObject({ grant_type: 'authorization_code', redirect_uri: APP.redirectUri, client_id: APP.clientId });
    });

    it('refreshes and keeps the refresh token Dropbox does not rotate', async () => {
      const { session } = await provision();
      const before = session.current;
      await session.refreshedAccessToken();
      expect(session.current.accessToken).not.toBe(before.accessToken);
      expect(session.current.refreshToken).toBe(before.refreshToken);
    });

    it('turns a refused or reused code into a clear 400', async () => {
      const { code } = fake.linkAccount(APP.clientId);
      const exchange = () => dropbox.oauth.exchangeCode({ code, ...APP, providerData: {} });
      await exchange();
      const error = await exchange().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).toMatchObject({ code: 'oauth_code_rejected', status: 400 });
      expect((error as Error).message).toContain("Dropbox refused the authorization code: the code is unknown");
    });
  });

  describe('webhook', () => {
    const webhook = () => present(dropbox.webhook);

    it('echoes the verification challenge as text/plain with nosniff', () => {
      const reply = webhook().handshake(inboundWebhook('', { method: 'GET', query: { challenge: 'abc<b>123' } }));
      expect(reply).toEqual({
        status: 200,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' },
        body: 'abc<b>123',
      });
      expect(webhook().handshake(inboundWebhook('{}'))).toBeUndefined();
    });

    it('checks the documented signature vector', async () => {
      const body = '{"delta": {"users": [12345]}}';
      const headers = { 'x-dropbox-signature': '0a8c16b085420b960dc78664279fe09e936a2a01b1f91064869d9e77dfd64529' };
      const instance = { id: 1, elementKey: 'dropbox', configuration: { 'oauth.api.secret': 'the_secret' }, providerData: {} };
      expect(() => webhook().verify(inboundWebhook(body, { headers }), instance, new Date())).not.toThrow();
    });

    it('accepts a signed notification, routes it by account and normalizes the changes', async () => {
      const { accountId, instance, session } = await provision();
      const state = await webhook().initialState(instance, { session });
      fake.addFolder(accountId, '/Reports');
      const file = fake.addFile(accountId, '/Reports/Q3.pdf', 2048);
      fake.deleteEntry(accountId, '/old.txt');
      const signed = fake.webhook([accountId], APP.clientSecret);
      const request = inboundWebhook(signed.body, { headers: signed.headers });

      expect(webhook().route(request)).toEqual({ instanceIds: [], providerKeys: [`account:${accountId}`] });
      expect(webhook().instanceKeys(instance)).toEqual([`account:${accountId}`]);
      webhook().verify(request, instance, new Date());
      const receivedAt = new Date();
      const result = await webhook().normalize({ instance, body: JSON.parse(signed.body), headers: signed.headers, receivedAt, state }, { session });

      expect(result.raw).toEqual(JSON.parse(signed.body));
      expect(result.events).toEqual([
        expect.objectContaining({ objectType: 'folders', eventType: 'CREATED', path: '/Reports', name: 'Reports', elementKey: 'dropbox', hubKey: 'documents' }),
        expect.objectContaining({ objectType: 'files', objectId: file['id'], eventType: 'UPDATED', path: '/Reports/Q3.pdf', size: 2048, date: new Date(String(file['server_modified'])).toISOString() }),
        expect.objectContaining({ objectType: 'files', objectId: '/old.txt', eventType: 'DELETED', date: receivedAt.toISOString() }),
      ]);
      expectSchemaValid(result.events);
      // The next call starts after these changes.
      const again = await webhook().normalize({ instance, body: {}, headers: {}, receivedAt, state: { ...result.stateUpdates } }, { session });
      expect(again.events).toEqual([]);
    });

    it('follows has_more across pages and refreshes an expired token once', async () => {
      const { accountId, instance, session } = await provision();
      const state = await webhook().initialState(instance, { session });
      for (let i = 0; i < 5; i++) fake.addFile(accountId, `/f${i}.txt`);
      fake.pageSize = 2;
      fake.oauth.expireAccessTokens();
      try {
        const result = await webhook().normalize({ instance, body: {}, headers: {}, receivedAt: new Date(), state }, { session });
        expect(result.events.map((e) => e.path)).toEqual(['/f0.txt', '/f1.txt', '/f2.txt', '/f3.txt', '/f4.txt']);
      } finally {
        fake.pageSize = 2000;
      }
    });

    it('starts over from the latest cursor when Dropbox answers reset', async () => {
      const { accountId, instance, session } = await provision();
      const state = await webhook().initialState(instance, { session });
      fake.addFile(accountId, '/lost.txt');
      fake.resetCursors();
      const result = await webhook().normalize({ instance, body: {}, headers: {}, receivedAt: new Date(), state }, { session });
      expect(result.events).toEqual([]);
      expect(result.stateUpdates?.['cursor']).not.toBe(state['cursor']);
    });

    describe('rejects', () => {
      const instance = { id: 1, elementKey: 'dropbox', configuration: { 'oauth.api.secret': APP.clientSecret }, providerData: {} };
      const signed = () => fake.webhook(['dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc'], APP.clientSecret);
      const verify = (body: string, headers: Record<string, string>) => () => webhook().verify(inboundWebhook(body, { headers }), instance, new Date());

      it('a tampered body', () => {
        const { body, headers } = signed();
        expect(verify(body.replace('AAH4', 'AAH5'), headers)).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid', status: 401 }));
      });
      it('a signature made with another key', () => {
        const { body, headers } = fake.webhook(['dbid:x'], 'not-the-secret');
        expect(verify(body, headers)).toThrow(expect.objectContaining({ code: 'webhook_signature_invalid' }));
      });
      it('a missing signature', () => {
        const { body } = signed();
        expect(verify(body, {})).toThrow(expect.objectContaining({ code: 'webhook_signature_missing' }));
      });
      it('a body without list_folder.accounts, naming which field is wrong', () => {
        expect(() => webhook().route(inboundWebhook('{"delta":{"users":[1]}}'))).toThrow(/list_folder\.accounts/);
      });
    });
  });

  describe('properties', () => {
    const instance = { id: 1, elementKey: 'dropbox', configuration: { 'oauth.api.secret': APP.clientSecret }, providerData: { account_id: 'dbid:a' } };

    it('route and verify throw only ConnectorErrors, whatever the body', async () => {
      await fc.assert(
        fc.asyncProperty(arbitraryRawBody(), fc.option(fc.string()), async (body, signature) => {
          const request = inboundWebhook(body, { headers: signature === null ? {} : { 'x-dropbox-signature': signature } });
          await onlyConnectorErrors(() => webhook().route(request));
          await onlyConnectorErrors(() => webhook().verify(request, instance, new Date()));
        }),
      );
    });

    it('normalize turns any list_folder entries into schema-valid event objects or a ConnectorError', async () => {
      const { accountId, instance: linked, session } = await provision();
      const template = fake.addFile(accountId, '/template.txt');
      await fc.assert(
        fc.asyncProperty(fc.array(arbitraryMutation({ ...template, '.tag': fc.constantFrom('file', 'folder', 'deleted') }), { maxLength: 5 }), async (entries) => {
          const state = await webhook().initialState(linked, { session });
          for (const entry of entries) fake.appendRaw(accountId, entry as Record<string, unknown>);
          const result = await onlyConnectorErrors(() => webhook().normalize({ instance: linked, body: {}, headers: {}, receivedAt: new Date(), state }, { session }));
          expectNormalizedValid(result);
        }),
        { numRuns: 40 },
      );
    });

    const webhook = () => present(dropbox.webhook);
  });
});
