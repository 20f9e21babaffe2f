import { ServiceDatabase } from '@connector-events/persistence';

/** poller's own schema; its tables arrive with its issue's migrations. */
export const POLLER_DATABASE: ServiceDatabase = {
  name: 'poller',
  schema: 'poller',
  entities: [],
  migrations: [],
};
