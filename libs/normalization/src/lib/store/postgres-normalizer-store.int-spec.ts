import { StoredTokens } from '@connector-events/provider-sessions';
import { DataSource } from 'typeorm';
import { dataSourceOptions, openDataSource } from '@connector-events/persistence';
import { postgresAndPglite, uniqueName } from '@connector-events/testing';
import { NORMALIZER_DATABASE } from '../database/normalizer.database';
import { NormalizationResult } from './normalizer-store';
import { PostgresNormalizerStore } from './postgres-normalizer-store';

const targets = postgresAndPglite();

const result: NormalizationResult = {
  events: [{ objectType: 'files', objectId: 'id:1', eventType: 'UPDATED', elementKey: 'dropbox', hubKey: 'documents', date: '2026-01-01T00:00:00.000Z' }],
  // Key order and spacing survive: a republished page is the same bytes.
  raw: { z: 1, a: { list_folder: { accounts: ['dbid:1'] } } },
  stateUpdates: { cursor: 'c-2' },
};

describe.each(targets)('normalizer store on $name', (target) => {
  const schema = uniqueName('normalizer_it');
  let dataSource: DataSource;
  let store: PostgresNormalizerStore;

  beforeAll(async () => {
    dataSource = await openDataSource(
      dataSourceOptions({ ...NORMALIZER_DATABASE, schema }, { url: target.url(), poolSize: 2, ...(target.pgDriver ? { pgDriver: target.pgDriver() } : {}) }),
    );
    store = new PostgresNormalizerStore(dataSource);
  });
  afterAll(async () => {
    await dataSource.query(`DROP SCHEMA "${schema}" CASCADE`);
    await dataSource.destroy();
  });

  it('migrates its tables', async () => {
    const tables = (await dataSource.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [schema])) as {
      table_name: string;
    }[];
    expect(tables.map((t) => t.table_name)).toEqual(['connector_state', 'instance_tokens', 'migrations', 'parked_raw_events', 'pending_results', 'seen_deliveries']);
  });

  it('keeps a pending result until the raw event completes, then the state and the delivery id', async () => {
    expect(await store.context(1, 'raw-a', 'delivery-a')).toEqual({ state: {} });
    await store.savePending(1, 'raw-a', result, new Date());
    expect(await store.context(1, 'raw-a', 'delivery-a')).toEqual({ state: {}, pending: result });
    expect(Object.keys((await store.context(1, 'raw-a')).pending?.raw ?? {})).toEqual(['z', 'a']);

    await store.complete(1, 'raw-a', { stateUpdates: { cursor: 'c-2' }, providerEventId: 'delivery-a', at: new Date() });
    expect(await store.context(1, 'raw-b', 'delivery-a')).toEqual({ state: { cursor: 'c-2' }, firstRawEventId: 'raw-a' });
    // A second completion under another raw event never takes the delivery id over.
    await store.complete(1, 'raw-b', { stateUpdates: { cursor: 'c-3' }, providerEventId: 'delivery-a', at: new Date() });
    expect(await store.context(1, 'raw-c', 'delivery-a')).toEqual({ state: { cursor: 'c-3' }, firstRawEventId: 'raw-a' });
  });

  it('initializes the connector state only once', async () => {
    expect(await store.hasConnectorState(2)).toBe(false);
    expect(await store.initializeConnectorState(2, {})).toBe(false);
    expect(await store.initializeConnectorState(2, { cursor: 'first' })).toBe(true);
    expect(await store.initializeConnectorState(2, { cursor: 'second' })).toBe(false);
    expect((await store.context(2, 'r')).state).toEqual({ cursor: 'first' });
    await store.clearConnectorState(2);
    expect(await store.hasConnectorState(2)).toBe(false);
  });

  it('stores refreshed tokens and marks only the reported refresh', async () => {
    const tokens: StoredTokens = {
      sealedTokens: 'v1.sealed',
      expiresAt: '2026-01-01T04:00:00.000Z',
      providerData: { account_id: 'dbid:1' },
      refreshedAt: '2026-01-01T00:00:00.000Z',
      replacedAccessToken: 'a'.repeat(64),
      reported: false,
    };
    expect(await store.refreshedTokens(3)).toBeUndefined();
    await store.saveRefreshedTokens(3, tokens);
    expect(await store.refreshedTokens(3)).toEqual(tokens);
    await store.markTokensReported(3, '2025-12-31T00:00:00.000Z');
    expect((await store.refreshedTokens(3))?.reported).toBe(false);
    await store.markTokensReported(3, tokens.refreshedAt);
    expect(await store.refreshedTokens(3)).toEqual({ ...tokens, reported: true });
  });

  it('forgets a deleted instance and prunes old delivery ids and abandoned results', async () => {
    const old = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    await store.complete(4, 'raw-old', { stateUpdates: { cursor: 'x' }, providerEventId: 'old', at: old });
    await store.complete(4, 'raw-new', { stateUpdates: {}, providerEventId: 'new', at: new Date() });
    await store.savePending(4, 'raw-abandoned', result, old);
    expect(await store.prune(new Date(Date.now() - 7 * 24 * 3600 * 1000))).toBe(2);
    expect(await store.context(4, 'raw-abandoned', 'old')).toEqual({ state: { cursor: 'x' } });
    expect((await store.context(4, 'raw-x', 'new')).firstRawEventId).toBe('raw-new');

    await store.saveRefreshedTokens(4, {
      sealedTokens: 's',
      providerData: {},
      refreshedAt: new Date().toISOString(),
      replacedAccessToken: 'b'.repeat(64),
      reported: true,
    });
    await store.forgetInstance(4);
    expect(await store.context(4, 'raw-x', 'new')).toEqual({ state: {} });
    expect(await store.refreshedTokens(4)).toBeUndefined();
  });
});
