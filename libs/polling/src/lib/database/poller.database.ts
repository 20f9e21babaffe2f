import { ServiceDatabase } from '@connector-events/persistence';
import { CreatePollerTables1765000000000 } from './migrations/1765000000000-create-poller-tables';
import { SubscriptionCreatedAt1765000000001 } from './migrations/1765000000001-subscription-created-at';

/** poller's own schema (plain SQL, no entities). Migrations in order; never edit a published one. */
export const POLLER_DATABASE: ServiceDatabase = {
  name: 'poller',
  schema: 'poller',
  entities: [],
  migrations: [CreatePollerTables1765000000000, SubscriptionCreatedAt1765000000001],
};
