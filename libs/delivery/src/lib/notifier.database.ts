import { ServiceDatabase } from '@connector-events/persistence';

/** notifier's own schema; its tables arrive with its issue's migrations. */
export const NOTIFIER_DATABASE: ServiceDatabase = {
  name: 'notifier',
  schema: 'notifier',
  entities: [],
  migrations: [],
};
