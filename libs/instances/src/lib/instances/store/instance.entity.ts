import { Column, Entity, PrimaryColumn } from 'typeorm';

/** The current state of a live instance: a projection of the event store, dropped and replayed at will. */
@Entity({ name: 'instances' })
export class InstanceEntity {
  @PrimaryColumn({ type: 'bigint' })
  id!: string;

  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'organization_id', type: 'integer' })
  organizationId!: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId!: number;

  @Column({ name: 'element_key', type: 'varchar', length: 64 })
  elementKey!: string;

  @Column({ type: 'varchar', length: 1024 })
  name!: string;

  @Column({ type: 'jsonb' })
  tags!: string[];

  @Column({ type: 'jsonb' })
  configuration!: Record<string, string>;

  @Column({ name: 'provider_data', type: 'jsonb' })
  providerData!: Record<string, string>;

  @Column({ name: 'sealed_secrets', type: 'text' })
  sealedSecrets!: string;

  /** The instance token is looked up by hash (`Authorization: …, Element <token>`). */
  @Column({ name: 'token_hash', type: 'char', length: 64 })
  tokenHash!: string;

  @Column({ name: 'token_type', type: 'varchar', length: 32 })
  tokenType!: string;

  @Column({ name: 'token_expires_at', type: 'timestamptz', nullable: true })
  tokenExpiresAt!: Date | null;

  @Column({ name: 'events_enabled', type: 'boolean' })
  eventsEnabled!: boolean;

  @Column({ name: 'created_date', type: 'timestamptz' })
  createdDate!: Date;

  @Column({ name: 'updated_date', type: 'timestamptz' })
  updatedDate!: Date;
}
