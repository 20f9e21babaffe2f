import { StoredTokens } from '@connector-events/provider-sessions';
import { CompletedRawEvent, NormalizationResult, NormalizerStore, RawEventContext } from './normalizer-store';

interface Seen {
  readonly rawEventId: string;
  readonly at: Date;
}

interface Pending {
  readonly json: string;
  readonly at: Date;
}

/**
 * {@link NormalizerStore} in memory, for unit tests and the in-process harness. Results are
 * kept as JSON text, as in PostgreSQL, so nothing is shared with the caller's objects.
 */
export class InMemoryNormalizerStore implements NormalizerStore {
  private readonly state = new Map<number, Map<string, string>>();
  private readonly pending = new Map<string, Pending>();
  private readonly seen = new Map<string, Seen>();
  private readonly tokens = new Map<number, StoredTokens>();

  async context(instanceId: number, rawEventId: string, providerEventId?: string): Promise<RawEventContext> {
    const pending = this.pending.get(key(instanceId, rawEventId));
    const seen = providerEventId === undefined ? undefined : this.seen.get(key(instanceId, providerEventId));
    return {
      state: Object.fromEntries(this.state.get(instanceId) ?? []),
      ...(pending ? { pending: JSON.parse(pending.json) as NormalizationResult } : {}),
      ...(seen ? { firstRawEventId: seen.rawEventId } : {}),
    };
  }

  async savePending(instanceId: number, rawEventId: string, result: NormalizationResult, at: Date): Promise<void> {
    this.pending.set(key(instanceId, rawEventId), { json: JSON.stringify(result), at });
  }

  async complete(instanceId: number, rawEventId: string, completed: CompletedRawEvent): Promise<void> {
    const entries = Object.entries(completed.stateUpdates);
    if (entries.length > 0) {
      const state = this.state.get(instanceId) ?? new Map<string, string>();
      for (const [name, value] of entries) state.set(name, value);
      this.state.set(instanceId, state);
    }
    const delivery = completed.providerEventId === undefined ? undefined : key(instanceId, completed.providerEventId);
    if (delivery !== undefined && !this.seen.has(delivery)) this.seen.set(delivery, { rawEventId, at: completed.at });
    this.pending.delete(key(instanceId, rawEventId));
  }

  async hasConnectorState(instanceId: number): Promise<boolean> {
    return (this.state.get(instanceId)?.size ?? 0) > 0;
  }

  async initializeConnectorState(instanceId: number, state: Readonly<Record<string, string>>): Promise<boolean> {
    if (Object.keys(state).length === 0 || (await this.hasConnectorState(instanceId))) return false;
    this.state.set(instanceId, new Map(Object.entries(state)));
    return true;
  }

  async clearConnectorState(instanceId: number): Promise<void> {
    this.state.delete(instanceId);
  }

  async refreshedTokens(instanceId: number): Promise<StoredTokens | undefined> {
    return this.tokens.get(instanceId);
  }

  async saveRefreshedTokens(instanceId: number, tokens: StoredTokens): Promise<void> {
    this.tokens.set(instanceId, tokens);
  }

  async markTokensReported(instanceId: number, refreshedAt: string): Promise<void> {
    const tokens = this.tokens.get(instanceId);
    if (tokens && tokens.refreshedAt === refreshedAt) this.tokens.set(instanceId, { ...tokens, reported: true });
  }

  async forgetInstance(instanceId: number): Promise<void> {
    this.state.delete(instanceId);
    this.tokens.delete(instanceId);
    const prefix = `${instanceId}\u0000`;
    for (const map of [this.seen, this.pending]) {
      for (const entry of [...map.keys()]) if (entry.startsWith(prefix)) map.delete(entry);
    }
  }

  async prune(before: Date): Promise<number> {
    let removed = 0;
    for (const map of [this.seen, this.pending] as Map<string, { at: Date }>[]) {
      for (const [entry, value] of [...map]) {
        if (value.at < before) {
          map.delete(entry);
          removed += 1;
        }
      }
    }
    return removed;
  }
}

function key(instanceId: number, id: string): string {
  return `${instanceId}\u0000${id}`;
}
