import { ProviderTokens } from '@connector-events/connectors';
import { CONFIGURATION_KEYS } from './configuration-keys';
import { isTrue } from './configuration-values';
import { ConfigurationChanged, InstanceEvent, TOKEN_SECRET_KEYS, isTokenKey } from './instance-events';
import { InstanceState } from './instance-state';

export interface NewInstance {
  readonly organizationId: number;
  readonly userId: number;
  readonly elementKey: string;
  readonly name: string;
  readonly tags: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
  readonly instanceToken: string;
}

/** Splits values into the public and the secret part by key. */
function partition(values: Readonly<Record<string, string>>, secretKeys: ReadonlySet<string>) {
  const open: Record<string, string> = {};
  const secret: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) (secretKeys.has(key) ? secret : open)[key] = value;
  return { open, secret };
}

/** The events of a new instance: created, then enabled when the configuration asks for events. */
export function decideCreate(instance: NewInstance, tokens: ProviderTokens, secretKeys: ReadonlySet<string>): InstanceEvent[] {
  const { open, secret } = partition(instance.configuration, secretKeys);
  const secrets: Record<string, string> = { ...secret, [TOKEN_SECRET_KEYS.instanceToken]: instance.instanceToken };
  secrets[TOKEN_SECRET_KEYS.accessToken] = tokens.accessToken;
  if (tokens.refreshToken) secrets[TOKEN_SECRET_KEYS.refreshToken] = tokens.refreshToken;
  const events: InstanceEvent[] = [
    {
      type: 'InstanceCreated',
      data: {
        organizationId: instance.organizationId,
        userId: instance.userId,
        elementKey: instance.elementKey,
        name: instance.name,
        tags: instance.tags,
        configuration: open,
        providerData: tokens.providerData,
        tokenType: tokens.tokenType,
        ...(tokens.expiresAt ? { tokenExpiresAt: tokens.expiresAt } : {}),
      },
      secrets,
    },
  ];
  if (isTrue(instance.configuration[CONFIGURATION_KEYS.eventsEnabled])) events.push({ type: 'EventsEnabled', data: {} });
  return events;
}

/**
 * The events of a configuration change (`null` removes a key): nothing when nothing changes,
 * and EventsEnabled/EventsDisabled when `event.notification.enabled` flips.
 */
export function decideConfigurationChange(
  state: InstanceState,
  changes: Readonly<Record<string, string | null>>,
  secretKeys: ReadonlySet<string>,
): InstanceEvent[] {
  const set: Record<string, string> = {};
  const removed: string[] = [];
  for (const [key, value] of Object.entries(changes)) {
    const current = state.configuration[key] ?? state.secrets[key];
    if (value === null) {
      if (current !== undefined) removed.push(key);
    } else if (current !== value) {
      set[key] = value;
    }
  }
  if (Object.keys(set).length === 0 && removed.length === 0) return [];
  const { open, secret } = partition(set, secretKeys);
  const changed: ConfigurationChanged = { type: 'ConfigurationChanged', data: { set: open, removed }, secrets: secret };
  const events: InstanceEvent[] = [changed];
  const enabledAfter = isTrue(mergedValue(state, changes, CONFIGURATION_KEYS.eventsEnabled));
  if (enabledAfter !== state.eventsEnabled) events.push({ type: enabledAfter ? 'EventsEnabled' : 'EventsDisabled', data: {} });
  return events;
}

/** The configuration as it would be after the changes, secrets included. */
export function configurationAfter(
  state: InstanceState,
  changes: Readonly<Record<string, string | null>>,
): Record<string, string> {
  const merged: Record<string, string> = { ...state.configuration };
  for (const [key, value] of Object.entries(state.secrets)) if (!isTokenKey(key)) merged[key] = value;
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  return merged;
}

export function decideUpdate(state: InstanceState, change: { name?: string; tags?: readonly string[] }): InstanceEvent[] {
  const name = change.name !== undefined && change.name !== state.name ? change.name : undefined;
  const tags = change.tags !== undefined && !sameList(change.tags, state.tags) ? change.tags : undefined;
  if (name === undefined && tags === undefined) return [];
  return [{ type: 'InstanceUpdated', data: { ...(name !== undefined ? { name } : {}), ...(tags !== undefined ? { tags } : {}) } }];
}

/**
 * Records tokens a service refreshed, unless newer ones are already recorded: two services may
 * refresh the same instance, and the provider honours only the latest refresh token.
 */
export function decideTokensRefreshed(
  state: InstanceState,
  tokens: ProviderTokens,
  refresh: { readonly at: Date; readonly by: string } = { at: new Date(), by: 'instance-service' },
): InstanceEvent[] {
  if (state.tokensRefreshedAt && Date.parse(state.tokensRefreshedAt) >= refresh.at.getTime()) return [];
  const secrets: Record<string, string> = { [TOKEN_SECRET_KEYS.accessToken]: tokens.accessToken };
  if (tokens.refreshToken) secrets[TOKEN_SECRET_KEYS.refreshToken] = tokens.refreshToken;
  return [
    {
      type: 'TokensRefreshed',
      data: {
        providerData: tokens.providerData,
        ...(tokens.expiresAt ? { tokenExpiresAt: tokens.expiresAt } : {}),
        refreshedAt: refresh.at.toISOString(),
        refreshedBy: refresh.by,
      },
      secrets,
    },
  ];
}

export function decideDelete(): InstanceEvent[] {
  return [{ type: 'InstanceDeleted', data: {} }];
}

function mergedValue(state: InstanceState, changes: Readonly<Record<string, string | null>>, key: string): string | undefined {
  if (key in changes) return changes[key] ?? undefined;
  return state.configuration[key];
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
