import { ServiceDatabase } from '@connector-events/persistence';
import { CreateNotifierTables1764100000000 } from './migrations/1764100000000-create-notifier-tables';

/** notifier's own schema (plain SQL, no entities). Migrations in order; never edit a published one. */
export const NOTIFIER_DATABASE: ServiceDatabase = {
  name: 'notifier',
  schema: 'notifier',
  entities: [],
  migrations: [CreateNotifierTables1764100000000],
};
