import { EntityManager } from 'typeorm';
import { hashSecret } from '../../accounts/secret-hash';
import { SecretBox } from '@connector-events/secrets';
import { InstanceState, applyInstanceEvent, instanceTokenOf } from '../domain/instance-state';
import { InstanceEntity } from './instance.entity';
import { InstanceEventStore, secretContext } from './instance-event-store';

/**
 * Keeps the `instances` table equal to the fold of the event store. It is written in the
 * same transaction as the events, and can be rebuilt from the store alone.
 */
export class InstanceProjection {
  constructor(private readonly secretBox: SecretBox) {}

  async save(manager: EntityManager, state: InstanceState): Promise<void> {
    if (state.deleted) {
      await manager.delete(InstanceEntity, { id: String(state.id) });
      return;
    }
    await manager.upsert(InstanceEntity, this.toRow(state), ['id']);
  }

  async load(manager: EntityManager, instanceId: number): Promise<InstanceEntity | null> {
    return manager.findOneBy(InstanceEntity, { id: String(instanceId) });
  }

  /** The state of a projected row, secrets opened. */
  toState(row: InstanceEntity): InstanceState {
    const id = Number(row.id);
    return {
      id,
      version: row.version,
      organizationId: row.organizationId,
      userId: row.userId,
      elementKey: row.elementKey,
      name: row.name,
      tags: row.tags,
      configuration: row.configuration,
      secrets: this.secretBox.openRecord(row.sealedSecrets, secretContext(id)),
      providerData: row.providerData,
      tokenType: row.tokenType,
      ...(row.tokenExpiresAt ? { tokenExpiresAt: new Date(row.tokenExpiresAt).toISOString() } : {}),
      eventsEnabled: row.eventsEnabled,
      createdDate: new Date(row.createdDate).toISOString(),
      updatedDate: new Date(row.updatedDate).toISOString(),
      deleted: false,
    };
  }

  /** Drops the projection and replays every stream; returns how many instances are live. */
  async rebuild(manager: EntityManager, store: InstanceEventStore): Promise<number> {
    await manager.clear(InstanceEntity);
    const states = new Map<number, InstanceState>();
    for await (const recorded of store.all(manager)) {
      states.set(recorded.instanceId, applyInstanceEvent(states.get(recorded.instanceId), recorded));
    }
    let live = 0;
    for (const state of states.values()) {
      if (state.deleted) continue;
      await this.save(manager, state);
      live++;
    }
    return live;
  }

  private toRow(state: InstanceState): InstanceEntity {
    return Object.assign(new InstanceEntity(), {
      id: String(state.id),
      version: state.version,
      organizationId: state.organizationId,
      userId: state.userId,
      elementKey: state.elementKey,
      name: state.name,
      tags: [...state.tags],
      configuration: { ...state.configuration },
      providerData: { ...state.providerData },
      sealedSecrets: this.secretBox.sealRecord(state.secrets, secretContext(state.id)),
      tokenHash: hashSecret(instanceTokenOf(state)),
      tokenType: state.tokenType,
      tokenExpiresAt: state.tokenExpiresAt ? new Date(state.tokenExpiresAt) : null,
      eventsEnabled: state.eventsEnabled,
      createdDate: new Date(state.createdDate),
      updatedDate: new Date(state.updatedDate),
    });
  }
}
