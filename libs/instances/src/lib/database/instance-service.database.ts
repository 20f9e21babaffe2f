import { ServiceDatabase } from '@connector-events/persistence';
import { OrganizationEntity } from '../accounts/organization.entity';
import { UserEntity } from '../accounts/user.entity';
import { CreateAccounts1763900000000 } from './migrations/1763900000000-create-accounts';
import { CreateInstances1763900001000 } from './migrations/1763900001000-create-instances';
import { CreateEventLog1763900002000 } from './migrations/1763900002000-create-event-log';
import { EventLogEntity } from '../event-log/event-log.entity';
import { InstanceEventEntity } from '../instances/store/instance-event.entity';
import { InstanceOutboxEntity } from '../instances/store/instance-outbox.entity';
import { InstanceEntity } from '../instances/store/instance.entity';

/** instance-service's own schema. Migrations are listed in order; never edit a published one. */
export const INSTANCE_SERVICE_DATABASE: ServiceDatabase = {
  name: 'instance-service',
  schema: 'instance_service',
  entities: [OrganizationEntity, UserEntity, InstanceEventEntity, InstanceEntity, InstanceOutboxEntity, EventLogEntity],
  migrations: [CreateAccounts1763900000000, CreateInstances1763900001000, CreateEventLog1763900002000],
};
