import { InstanceEvent, TOKEN_SECRET_KEYS } from './instance-events';

/** The current state of one instance: the fold of its events. */
export interface InstanceState {
  readonly id: number;
  readonly version: number;
  readonly organizationId: number;
  readonly userId: number;
  readonly elementKey: string;
  readonly name: string;
  readonly tags: readonly string[];
  readonly configuration: Readonly<Record<string, string>>;
  /** Secret configuration values and tokens, by key; never shown. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly providerData: Readonly<Record<string, string>>;
  readonly tokenType: string;
  readonly tokenExpiresAt?: string;
  /** When the tokens were last refreshed by a service (absent: as obtained at creation). */
  readonly tokensRefreshedAt?: string;
  readonly eventsEnabled: boolean;
  readonly createdDate: string;
  readonly updatedDate: string;
  readonly deleted: boolean;
}

export interface RecordedInstanceEvent {
  readonly instanceId: number;
  readonly version: number;
  readonly occurredAt: string;
  readonly event: InstanceEvent;
}

/**
 * Applies one event. The first event must be `InstanceCreated`; anything after a deletion is
 * a corrupt stream. Versions must follow one another, so a gap shows up here, not later.
 */
export function applyInstanceEvent(state: InstanceState | undefined, recorded: RecordedInstanceEvent): InstanceState {
  const { event, version, occurredAt } = recorded;
  if (state === undefined) {
    if (event.type !== 'InstanceCreated' || version !== 1) {
      throw new Error(`instance ${recorded.instanceId}: the stream must start with InstanceCreated at version 1`);
    }
    return {
      id: recorded.instanceId,
      version,
      organizationId: event.data.organizationId,
      userId: event.data.userId,
      elementKey: event.data.elementKey,
      name: event.data.name,
      tags: event.data.tags,
      configuration: event.data.configuration,
      secrets: event.secrets,
      providerData: event.data.providerData,
      tokenType: event.data.tokenType,
      tokenExpiresAt: event.data.tokenExpiresAt,
      eventsEnabled: false,
      createdDate: occurredAt,
      updatedDate: occurredAt,
      deleted: false,
    };
  }
  if (version !== state.version + 1) {
    throw new Error(`instance ${state.id}: version ${version} does not follow ${state.version}`);
  }
  if (state.deleted) throw new Error(`instance ${state.id}: an event follows its deletion`);
  const next = { ...state, version, updatedDate: occurredAt };
  switch (event.type) {
    case 'InstanceCreated':
      throw new Error(`instance ${state.id}: created twice`);
    case 'InstanceUpdated':
      return { ...next, name: event.data.name ?? state.name, tags: event.data.tags ?? state.tags };
    case 'ConfigurationChanged': {
      const configuration = { ...state.configuration, ...event.data.set };
      const secrets = { ...state.secrets, ...event.secrets };
      for (const key of event.data.removed) {
        delete configuration[key];
        delete secrets[key];
      }
      return { ...next, configuration, secrets };
    }
    case 'EventsEnabled':
      return { ...next, eventsEnabled: true };
    case 'EventsDisabled':
      return { ...next, eventsEnabled: false };
    case 'TokensRefreshed':
      return {
        ...next,
        providerData: { ...state.providerData, ...event.data.providerData },
        tokenExpiresAt: event.data.tokenExpiresAt,
        tokensRefreshedAt: event.data.refreshedAt ?? occurredAt,
        secrets: { ...state.secrets, ...event.secrets },
      };
    case 'InstanceDeleted':
      return { ...next, deleted: true };
  }
}

export function foldInstanceEvents(events: readonly RecordedInstanceEvent[]): InstanceState | undefined {
  return events.reduce<InstanceState | undefined>(applyInstanceEvent, undefined);
}

export function instanceTokenOf(state: InstanceState): string {
  return state.secrets[TOKEN_SECRET_KEYS.instanceToken] ?? '';
}
