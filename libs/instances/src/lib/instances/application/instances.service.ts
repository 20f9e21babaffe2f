import { randomBytes } from 'node:crypto';
import { ConnectorAdapter, ConnectorRegistry, ProviderTokens } from '@connector-events/connectors';
import { maskSecrets } from '@connector-events/secrets';
import { DataSource, EntityManager } from 'typeorm';
import { COMMON_SECRET_KEYS, CONFIGURATION_KEYS } from '../domain/configuration-keys';
import { normalizeConfigurationValues } from '../domain/configuration-values';
import { validateConfiguration } from '../domain/configuration-validator';
import {
  configurationAfter,
  decideConfigurationChange,
  decideCreate,
  decideDelete,
  decideTokensRefreshed,
  decideUpdate,
} from '../domain/instance-decisions';
import { InstanceEvent, isTokenKey } from '../domain/instance-events';
import { InstanceState, applyInstanceEvent, foldInstanceEvents } from '../domain/instance-state';
import { ConcurrentInstanceChangeError, InstanceEventStore } from '../store/instance-event-store';
import { InstanceOutbox } from '../store/instance-outbox';
import { InstanceProjection } from '../store/instance-projection';
import { InstanceEntity } from '../store/instance.entity';
import { InstanceNotFoundError, InstanceValidationError } from './instance-errors';
import { Principal } from './principal';

export interface CreateInstanceInput {
  readonly elementKey: string;
  readonly code: string;
  readonly providerData: Readonly<Record<string, string>>;
  readonly configuration: Readonly<Record<string, unknown>>;
  readonly tags: readonly string[];
  readonly name: string;
}

export interface UpdateInstanceInput {
  readonly name?: string;
  readonly tags?: readonly string[];
  readonly configuration?: Readonly<Record<string, unknown>>;
}

export interface InstancePage {
  readonly instances: InstanceState[];
  readonly nextPage?: string;
}

/**
 * The instances use cases. Every change is decided on the state folded from the event store,
 * appended with its expected version, and projected and queued for `oc.instances.v1` in the
 * same transaction, so the store, the projection and the topic never disagree.
 */
export class InstancesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly connectors: ConnectorRegistry,
    private readonly store: InstanceEventStore,
    private readonly projection: InstanceProjection,
    private readonly outbox: InstanceOutbox,
    private readonly onCommitted: () => void = () => undefined,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Secret configuration keys for a connector: shown masked, stored sealed. */
  secretKeysOf(connector: ConnectorAdapter): ReadonlySet<string> {
    return new Set([...COMMON_SECRET_KEYS, ...(connector.webhook?.secretConfigurationKeys ?? [])]);
  }

  connectorOf(state: Pick<InstanceState, 'elementKey'>): ConnectorAdapter {
    return this.connectors.get(state.elementKey);
  }

  /** Exchanges the OAuth code first: a refused code stores nothing. */
  async create(principal: Principal, input: CreateInstanceInput): Promise<InstanceState> {
    const connector = this.connectors.find(input.elementKey);
    if (!connector) {
      const known = this.connectors.list().map((c) => c.descriptor.elementKey).join(', ');
      throw new InstanceValidationError([`element.key "${input.elementKey}" is not a connector here (known: ${known})`]);
    }
    const configuration = this.checkedConfiguration({}, input.configuration, connector);
    for (const key of connector.webhook?.generatedSecretKeys ?? []) {
      configuration[key] ??= randomBytes(32).toString('base64url');
    }
    const tokens = await connector.oauth.exchangeCode({
      code: input.code,
      clientId: configuration[CONFIGURATION_KEYS.oauthClientId] ?? '',
      clientSecret: configuration[CONFIGURATION_KEYS.oauthClientSecret] ?? '',
      redirectUri: configuration[CONFIGURATION_KEYS.oauthCallbackUrl] ?? '',
      providerData: input.providerData,
      configuration,
    });
    return this.transaction(async (manager) => {
      const id = await this.store.nextInstanceId(manager);
      const events = decideCreate(
        {
          organizationId: principal.organizationId,
          userId: principal.userId,
          elementKey: connector.descriptor.elementKey,
          name: input.name,
          tags: input.tags,
          configuration,
          instanceToken: randomBytes(32).toString('base64url'),
        },
        tokens,
        this.secretKeysOf(connector),
      );
      return this.commit(manager, id, undefined, events);
    });
  }

  async get(principal: Principal, id: number): Promise<InstanceState> {
    const row = await this.dataSource.manager.findOneBy(InstanceEntity, {
      id: String(id),
      organizationId: principal.organizationId,
    });
    if (!row) throw new InstanceNotFoundError(id);
    return this.projection.toState(row);
  }

  /** Keyset paging by id: `nextPage` is the last id of the page. */
  async list(principal: Principal, options: { pageSize: number; nextPage?: string; tags?: readonly string[] }): Promise<InstancePage> {
    const query = this.dataSource.manager
      .createQueryBuilder(InstanceEntity, 'i')
      .where('i.organizationId = :organizationId', { organizationId: principal.organizationId })
      .orderBy('i.id', 'ASC')
      .limit(options.pageSize + 1);
    if (options.nextPage) query.andWhere('i.id > :after', { after: options.nextPage });
    if (options.tags && options.tags.length > 0) query.andWhere('i.tags @> :tags', { tags: JSON.stringify(options.tags) });
    const rows = await query.getMany();
    const page = rows.slice(0, options.pageSize);
    return {
      instances: page.map((row) => this.projection.toState(row)),
      ...(rows.length > options.pageSize ? { nextPage: page[page.length - 1]?.id } : {}),
    };
  }

  async update(principal: Principal, id: number, input: UpdateInstanceInput, expectedVersion?: number): Promise<InstanceState> {
    return this.change(principal, id, expectedVersion, (state, connector) => {
      const events = decideUpdate(state, { name: input.name, tags: input.tags });
      if (input.configuration === undefined) return events;
      const changes = this.checkedChanges(state, input.configuration, connector);
      const interim = events.reduce<InstanceState>(
        (s, event, i) => applyInstanceEvent(s, { instanceId: s.id, version: state.version + i + 1, occurredAt: state.updatedDate, event }),
        state,
      );
      return [...events, ...decideConfigurationChange(interim, changes, this.secretKeysOf(connector))];
    });
  }

  async changeConfiguration(
    principal: Principal,
    id: number,
    changes: Readonly<Record<string, unknown>>,
    expectedVersion?: number,
  ): Promise<InstanceState> {
    return this.change(principal, id, expectedVersion, (state, connector) =>
      decideConfigurationChange(state, this.checkedChanges(state, changes, connector), this.secretKeysOf(connector)),
    );
  }

  /**
   * Tokens another service refreshed (from `oc.instances.tokens.v1`): no caller to check, and an
   * instance deleted meanwhile is simply skipped.
   */
  async recordRefreshedTokens(id: number, tokens: ProviderTokens, refresh: { at: Date; by: string }): Promise<InstanceState | undefined> {
    return this.transaction(async (manager) => {
      const state = foldInstanceEvents(await this.store.load(manager, id));
      if (!state || state.deleted) return undefined;
      const events = decideTokensRefreshed(state, tokens, refresh);
      return events.length === 0 ? state : this.commit(manager, id, state, events);
    });
  }

  async delete(principal: Principal, id: number): Promise<void> {
    await this.change(principal, id, undefined, () => decideDelete());
  }

  /** The configuration as clients see it: secrets masked, tokens absent. */
  visibleConfiguration(state: InstanceState): Record<string, string> {
    const secrets: Record<string, string> = {};
    for (const [key, value] of Object.entries(state.secrets)) if (!isTokenKey(key)) secrets[key] = value;
    return maskSecrets({ ...state.configuration, ...secrets }, this.secretKeysOf(this.connectorOf(state)));
  }

  /** Drops the projection and replays the event store; returns the number of live instances. */
  async rebuildProjection(): Promise<number> {
    return this.transaction((manager) => this.projection.rebuild(manager, this.store));
  }

  private async change(
    principal: Principal,
    id: number,
    expectedVersion: number | undefined,
    decide: (state: InstanceState, connector: ConnectorAdapter) => InstanceEvent[],
  ): Promise<InstanceState> {
    return this.transaction(async (manager) => {
      const state = foldInstanceEvents(await this.store.load(manager, id));
      if (!state || state.deleted || state.organizationId !== principal.organizationId) throw new InstanceNotFoundError(id);
      if (expectedVersion !== undefined && expectedVersion !== state.version) {
        throw new ConcurrentInstanceChangeError(id);
      }
      const events = decide(state, this.connectorOf(state));
      if (events.length === 0) return state;
      return this.commit(manager, id, state, events);
    });
  }

  private async commit(
    manager: EntityManager,
    id: number,
    state: InstanceState | undefined,
    events: readonly InstanceEvent[],
  ): Promise<InstanceState> {
    const recorded = await this.store.append(manager, id, state?.version ?? 0, events, this.clock());
    const next = recorded.reduce<InstanceState | undefined>(applyInstanceEvent, state);
    if (!next) throw new Error(`instance ${id}: no state after appending`);
    await this.projection.save(manager, next);
    await this.outbox.enqueue(manager, next);
    return next;
  }

  private async transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.dataSource.transaction(work);
    this.onCommitted();
    return result;
  }

  private checkedConfiguration(
    current: Readonly<Record<string, string>>,
    input: Readonly<Record<string, unknown>>,
    connector: ConnectorAdapter,
  ): Record<string, string> {
    const normalized = normalizeConfigurationValues(input);
    if (!normalized.ok) throw new InstanceValidationError(normalized.problems);
    const merged: Record<string, string> = { ...current };
    for (const [key, value] of Object.entries(normalized.values)) {
      if (value === null) delete merged[key];
      else merged[key] = value;
    }
    const problems = validateConfiguration(merged, connector);
    if (problems.length > 0) throw new InstanceValidationError(problems);
    return merged;
  }

  private checkedChanges(
    state: InstanceState,
    input: Readonly<Record<string, unknown>>,
    connector: ConnectorAdapter,
  ): Record<string, string | null> {
    const normalized = normalizeConfigurationValues(input);
    if (!normalized.ok) throw new InstanceValidationError(normalized.problems);
    const problems = validateConfiguration(configurationAfter(state, normalized.values), connector);
    if (problems.length > 0) throw new InstanceValidationError(problems);
    return normalized.values;
  }
}
