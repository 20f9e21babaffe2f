import { ProviderTokens } from '@connector-events/connectors';
import { decideConfigurationChange, decideCreate, decideDelete, decideTokensRefreshed, decideUpdate, configurationAfter } from './instance-decisions';
import { InstanceEvent, TOKEN_SECRET_KEYS } from './instance-events';
import { InstanceState, RecordedInstanceEvent, applyInstanceEvent, foldInstanceEvents } from './instance-state';

const SECRET_KEYS = new Set(['oauth.api.secret', 'event.notification.signature.key']);
const TOKENS: ProviderTokens = { accessToken: 'at-1', refreshToken: 'rt-1', tokenType: 'bearer', expiresAt: '2026-11-23T12:00:00.000Z', providerData: { hub_id: '62515' } };

function record(events: InstanceEvent[], from = 1): RecordedInstanceEvent[] {
  return events.map((event, i) => ({ instanceId: 9, version: from + i, occurredAt: `2026-11-23T10:00:0${from + i}.000Z`, event }));
}

function created(configuration: Record<string, string> = {}): InstanceState {
  const events = decideCreate(
    { organizationId: 1, userId: 2, elementKey: 'hubspot', name: 'crm', tags: ['a'], configuration, instanceToken: 'tok' },
    TOKENS,
    SECRET_KEYS,
  );
  const state = foldInstanceEvents(record(events));
  if (!state) throw new Error('no state');
  return state;
}

describe('instance events', () => {
  it('keeps secrets and tokens out of the public part of InstanceCreated', () => {
    const [first] = decideCreate(
      { organizationId: 1, userId: 2, elementKey: 'hubspot', name: 'crm', tags: [], configuration: { 'oauth.api.secret': 's3', 'event.notification.callback.url': 'https://x' }, instanceToken: 'tok' },
      TOKENS,
      SECRET_KEYS,
    );
    expect(JSON.stringify(first?.data)).not.toMatch(/"s3"|at-1|rt-1|"tok"/);
    expect(first).toMatchObject({ secrets: { 'oauth.api.secret': 's3', [TOKEN_SECRET_KEYS.accessToken]: 'at-1', [TOKEN_SECRET_KEYS.refreshToken]: 'rt-1', [TOKEN_SECRET_KEYS.instanceToken]: 'tok' } });
  });

  it('enables events at creation when the configuration says so, as text or not', () => {
    expect(created({ 'event.notification.enabled': 'true' }).eventsEnabled).toBe(true);
    expect(created({ 'event.notification.enabled': 'TRUE' }).eventsEnabled).toBe(true);
    expect(created({ 'event.notification.enabled': 'false' }).eventsEnabled).toBe(false);
    expect(created().version).toBe(1);
  });

  it('records a configuration change, flips events, and removes keys', () => {
    const state = created({ 'event.notification.callback.url': 'https://a' });
    const events = decideConfigurationChange(state, { 'event.notification.enabled': 'true', 'oauth.api.secret': 'new', 'event.notification.callback.url': null }, SECRET_KEYS);
    expect(events.map((e) => e.type)).toEqual(['ConfigurationChanged', 'EventsEnabled']);
    const after = foldInstanceEvents([...record(decideCreate({ organizationId: 1, userId: 2, elementKey: 'hubspot', name: 'crm', tags: ['a'], configuration: { 'event.notification.callback.url': 'https://a' }, instanceToken: 'tok' }, TOKENS, SECRET_KEYS)), ...record(events, 2)]);
    expect(after).toMatchObject({ version: 3, eventsEnabled: true, configuration: { 'event.notification.enabled': 'true' } });
    expect(after?.configuration).not.toHaveProperty('event.notification.callback.url');
    expect(after?.secrets['oauth.api.secret']).toBe('new');
    expect(decideConfigurationChange(state, { 'event.notification.callback.url': 'https://a' }, SECRET_KEYS)).toEqual([]);
  });

  it('shows the configuration after a change with secrets but without tokens', () => {
    const state = created({ 'oauth.api.secret': 's' });
    expect(configurationAfter(state, { x: '1' })).toEqual({ 'oauth.api.secret': 's', x: '1' });
  });

  it('updates name and tags only when they change', () => {
    const state = created();
    expect(decideUpdate(state, { name: 'crm', tags: ['a'] })).toEqual([]);
    expect(decideUpdate(state, { tags: ['b'] })).toEqual([{ type: 'InstanceUpdated', data: { tags: ['b'] } }]);
  });

  it('refreshes tokens and merges provider data', () => {
    const state = created();
    const at = new Date('2026-11-23T11:00:00.000Z');
    const refreshed = decideTokensRefreshed(state, { accessToken: 'at-2', tokenType: 'bearer', providerData: { x: '1' } }, { at, by: 'normalizer' });
    const next = applyInstanceEvent(state, record(refreshed, 2)[0] as RecordedInstanceEvent);
    expect(next.tokensRefreshedAt).toBe(at.toISOString());
    // A report of an older (or the same) refresh changes nothing.
    expect(decideTokensRefreshed(next, { accessToken: 'at-0', tokenType: 'bearer', providerData: {} }, { at, by: 'poller' })).toEqual([]);
    expect(next.secrets[TOKEN_SECRET_KEYS.accessToken]).toBe('at-2');
    expect(next.secrets[TOKEN_SECRET_KEYS.refreshToken]).toBe('rt-1');
    expect(next.providerData).toEqual({ hub_id: '62515', x: '1' });
  });

  it('refuses a stream with a gap, a second creation or events after deletion', () => {
    const state = created();
    const [deleted] = record(decideDelete(), 2);
    const gone = applyInstanceEvent(state, deleted as RecordedInstanceEvent);
    expect(gone.deleted).toBe(true);
    expect(() => applyInstanceEvent(state, { ...(deleted as RecordedInstanceEvent), version: 3 })).toThrow(/does not follow/);
    expect(() => applyInstanceEvent(gone, { ...(deleted as RecordedInstanceEvent), version: 3 })).toThrow(/follows its deletion/);
    expect(() => foldInstanceEvents(record(decideDelete()))).toThrow(/must start with InstanceCreated/);
  });
});
