import { EntityManager } from 'typeorm';
import { SecretBox } from '@connector-events/secrets';
import { InstanceState } from '../domain/instance-state';
import { InstanceOutboxEntity } from './instance-outbox.entity';
import { instanceSnapshot } from './instance-snapshot';

/** Writes, in the caller's transaction, the snapshot (or tombstone) that the relay will publish. */
export class InstanceOutbox {
  constructor(private readonly secretBox: SecretBox) {}

  async enqueue(manager: EntityManager, state: InstanceState): Promise<void> {
    await manager.insert(InstanceOutboxEntity, {
      instanceId: String(state.id),
      version: state.version,
      snapshot: state.deleted ? null : instanceSnapshot(state, this.secretBox),
      publishedAt: null,
    });
  }
}
