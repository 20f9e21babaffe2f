import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row of the event store: an instance event at a version, its secret part sealed. */
@Entity({ name: 'instance_events' })
export class InstanceEventEntity {
  @PrimaryColumn({ name: 'instance_id', type: 'bigint' })
  instanceId!: string;

  @PrimaryColumn({ type: 'integer' })
  version!: number;

  @Column({ type: 'varchar', length: 64 })
  type!: string;

  @Column({ type: 'jsonb' })
  data!: object;

  @Column({ name: 'sealed_secrets', type: 'text', nullable: true })
  sealedSecrets!: string | null;

  @Column({ name: 'occurred_at', type: 'timestamptz' })
  occurredAt!: Date;

  @Column({ type: 'bigint', insert: false, update: false })
  position!: string;
}
