import { ServiceDatabase } from '@connector-events/persistence';
import { OrganizationEntity } from '../accounts/organization.entity';
import { UserEntity } from '../accounts/user.entity';
import { CreateAccounts1763900000000 } from './migrations/1763900000000-create-accounts';

/** instance-service's own schema. Migrations are listed in order; never edit a published one. */
export const INSTANCE_SERVICE_DATABASE: ServiceDatabase = {
  name: 'instance-service',
  schema: 'instance_service',
  entities: [OrganizationEntity, UserEntity],
  migrations: [CreateAccounts1763900000000],
};
