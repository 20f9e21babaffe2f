import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** A change waiting for (or done with) publication to `oc.instances.v1`; `snapshot` null is a tombstone. */
@Entity({ name: 'instance_outbox' })
export class InstanceOutboxEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  position!: string;

  @Column({ name: 'instance_id', type: 'bigint' })
  instanceId!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ type: 'jsonb', nullable: true })
  snapshot!: object | null;

  @Column({ name: 'created_at', type: 'timestamptz', insert: false, update: false })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;
}
