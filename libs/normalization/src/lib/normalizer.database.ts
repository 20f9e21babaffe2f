import { ServiceDatabase } from '@connector-events/persistence';

/** normalizer's own schema; its tables arrive with its issue's migrations. */
export const NORMALIZER_DATABASE: ServiceDatabase = {
  name: 'normalizer',
  schema: 'normalizer',
  entities: [],
  migrations: [],
};
