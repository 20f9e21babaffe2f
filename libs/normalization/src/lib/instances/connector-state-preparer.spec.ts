import { randomBytes } from 'node:crypto';
import { ConnectorRegistry, createConnectorRegistry } from '@connector-events/connectors';
import { InstanceRecord } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { FakeDropbox } from '@connector-events/testing';
import { EncodingOnlyBus } from '../harness/encoding-only-bus';
import { normalizerSessions } from '../sessions/normalizer-sessions';
import { InMemoryNormalizerStore } from '../store/in-memory-normalizer-store';
import { ConnectorStatePreparer } from './connector-state-preparer';

const APP = { clientId: 'dbx-key', clientSecret: 'dbx-app-secret', redirectUri: 'https://app.example.com/dbx' };

describe('ConnectorStatePreparer', () => {
  const dropbox = new FakeDropbox();
  let connectors: ConnectorRegistry;
  let store: InMemoryNormalizerStore;
  let preparer: ConnectorStatePreparer;

  beforeAll(async () => {
    await dropbox.start();
    dropbox.registerApp(APP);
    connectors = createConnectorRegistry({ providerBaseUrls: { dropbox: dropbox.server.baseUrl } });
  });
  afterAll(() => dropbox.close());
  beforeEach(() => {
    store = new InMemoryNormalizerStore();
    preparer = new ConnectorStatePreparer(store, connectors, normalizerSessions(store, new EncodingOnlyBus(), new SecretBox(randomBytes(32))));
  });

  async function dropboxInstance(id: number, eventsEnabled: boolean): Promise<{ record: InstanceRecord; accountId: string }> {
    const { accountId, code } = dropbox.linkAccount(APP.clientId);
    const tokens = await connectors.get('dropbox').oauth.exchangeCode({ code, ...APP, providerData: {} });
    return {
      accountId,
      record: {
        id,
        version: 1,
        organizationId: 1,
        userId: 1,
        elementKey: 'dropbox',
        name: 'box',
        tags: [],
        eventsEnabled,
        configuration: { 'oauth.api.key': APP.clientId, 'oauth.api.secret': APP.clientSecret },
        providerData: tokens.providerData,
        tokens: { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken },
        updatedDate: new Date().toISOString(),
      },
    };
  }

  const cursorOf = async (id: number) => (await store.context(id, 'any')).state['cursor'];

  it('takes the first cursor when events are enabled, so the first webhook already reports changes', async () => {
    const { record } = await dropboxInstance(1, true);
    preparer.onChange(1, record);
    await preparer.idle();
    expect(await cursorOf(1)).toMatch(/^AAE/);
  });

  it('keeps a cursor it already has, drops it when events are switched off, and takes a new one when they are on again', async () => {
    const { record, accountId } = await dropboxInstance(2, true);
    await store.initializeConnectorState(2, { cursor: 'kept' });
    preparer.onChange(2, record);
    await preparer.idle();
    expect(await cursorOf(2)).toBe('kept');

    preparer.onChange(2, { ...record, version: 2, eventsEnabled: false });
    await preparer.idle();
    expect(await cursorOf(2)).toBeUndefined();
    dropbox.addFile(accountId, '/while-off.txt');
    preparer.onChange(2, { ...record, version: 3 });
    await preparer.idle();
    expect(await cursorOf(2)).toMatch(/^AAE/);
    expect(await cursorOf(2)).not.toBe('kept');
  });

  it('prepares nothing for disabled instances or connectors without state, and forgets deleted instances', async () => {
    const { record } = await dropboxInstance(3, false);
    preparer.onChange(3, record);
    preparer.onChange(4, { ...record, id: 4, elementKey: 'hubspot', eventsEnabled: true });
    await preparer.idle();
    expect(await store.hasConnectorState(3)).toBe(false);
    expect(await store.hasConnectorState(4)).toBe(false);

    await store.initializeConnectorState(5, { cursor: 'c' });
    preparer.onChange(5, undefined);
    await preparer.idle();
    expect(await store.hasConnectorState(5)).toBe(false);
  });

  it('leaves the cursor to the first webhook when the provider cannot be reached', async () => {
    const { record } = await dropboxInstance(6, true);
    dropbox.oauth.expireAccessTokens();
    dropbox.oauth.revokeRefreshTokens();
    preparer.onChange(6, record);
    await preparer.idle();
    expect(await store.hasConnectorState(6)).toBe(false);
  });
});
