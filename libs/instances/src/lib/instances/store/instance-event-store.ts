import { EntityManager, QueryFailedError } from 'typeorm';
import { SecretBox } from '@connector-events/secrets';
import { InstanceEvent } from '../domain/instance-events';
import { RecordedInstanceEvent } from '../domain/instance-state';
import { InstanceEventEntity } from './instance-event.entity';

/** Another writer appended to the same instance first; the caller answers 409. */
export class ConcurrentInstanceChangeError extends Error {
  constructor(readonly instanceId: number) {
    super(`instance ${instanceId} was changed by another request; read it again and retry`);
    this.name = 'ConcurrentInstanceChangeError';
  }
}

/** Secrets of instance N are sealed with context `instance:N`, so they cannot be moved to another. */
export function secretContext(instanceId: number): string {
  return `instance:${instanceId}`;
}

/**
 * Append-only event streams, one per instance. The primary key (instance_id, version) is the
 * optimistic lock: two writers that read the same version cannot both append after it.
 */
export class InstanceEventStore {
  constructor(private readonly secretBox: SecretBox) {}

  async nextInstanceId(manager: EntityManager): Promise<number> {
    const schema = manager.connection.getMetadata(InstanceEventEntity).schema ?? 'public';
    const [row] = (await manager.query(`SELECT nextval('${schema}.instance_ids') AS id`)) as { id: string }[];
    return Number(row?.id);
  }

  async load(manager: EntityManager, instanceId: number): Promise<RecordedInstanceEvent[]> {
    const rows = await manager.find(InstanceEventEntity, { where: { instanceId: String(instanceId) }, order: { version: 'ASC' } });
    return rows.map((row) => this.toRecorded(row));
  }

  /** Every stream in store order, for rebuilding projections. */
  async *all(manager: EntityManager, batchSize = 500): AsyncGenerator<RecordedInstanceEvent> {
    let after = '0';
    for (;;) {
      const rows = await manager
        .createQueryBuilder(InstanceEventEntity, 'e')
        .where('e.position > :after', { after })
        .orderBy('e.position', 'ASC')
        .limit(batchSize)
        .getMany();
      for (const row of rows) yield this.toRecorded(row);
      if (rows.length < batchSize) return;
      after = rows[rows.length - 1]?.position ?? after;
    }
  }

  async append(
    manager: EntityManager,
    instanceId: number,
    expectedVersion: number,
    events: readonly InstanceEvent[],
    occurredAt: Date,
  ): Promise<RecordedInstanceEvent[]> {
    const recorded = events.map((event, i) => ({
      instanceId,
      version: expectedVersion + i + 1,
      occurredAt: occurredAt.toISOString(),
      event,
    }));
    try {
      await manager.insert(
        InstanceEventEntity,
        recorded.map((r) => ({
          instanceId: String(instanceId),
          version: r.version,
          type: r.event.type,
          data: r.event.data,
          sealedSecrets: 'secrets' in r.event ? this.secretBox.sealRecord(r.event.secrets, secretContext(instanceId)) : null,
          occurredAt,
        })),
      );
    } catch (error) {
      if (error instanceof QueryFailedError && (error.driverError as { code?: string }).code === '23505') {
        throw new ConcurrentInstanceChangeError(instanceId);
      }
      throw error;
    }
    return recorded;
  }

  private toRecorded(row: InstanceEventEntity): RecordedInstanceEvent {
    const instanceId = Number(row.instanceId);
    const secrets = row.sealedSecrets ? this.secretBox.openRecord(row.sealedSecrets, secretContext(instanceId)) : undefined;
    const event = { type: row.type, data: row.data, ...(secrets ? { secrets } : {}) } as unknown as InstanceEvent;
    return { instanceId, version: row.version, occurredAt: new Date(row.occurredAt).toISOString(), event };
  }
}
