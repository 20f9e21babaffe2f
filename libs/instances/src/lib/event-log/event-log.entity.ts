import { Column, Entity, PrimaryColumn } from 'typeorm';
import { EventLogStatus } from './event-log-status';

/** One notification as the event log APIs show it. */
@Entity({ name: 'event_log' })
export class EventLogEntity {
  @PrimaryColumn({ name: 'event_id', type: 'varchar', length: 128 })
  eventId!: string;

  @Column({ name: 'instance_id', type: 'bigint' })
  instanceId!: string;

  @Column({ name: 'organization_id', type: 'integer' })
  organizationId!: number;

  @Column({ name: 'event_date', type: 'timestamptz' })
  eventDate!: Date;

  @Column({ type: 'varchar', length: 16 })
  status!: EventLogStatus;

  /** The provider's payload (`message.raw`). */
  @Column({ name: 'provider_data', type: 'jsonb', nullable: true })
  providerData!: object | null;

  /** The notification as published. */
  @Column({ name: 'notified_data', type: 'jsonb', nullable: true })
  notifiedData!: object | null;

  @Column({ type: 'integer' })
  attempts!: number;

  @Column({ name: 'last_attempt', type: 'jsonb', nullable: true })
  lastAttempt!: object | null;

  @Column({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
