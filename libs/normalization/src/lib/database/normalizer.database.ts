import { ServiceDatabase } from '@connector-events/persistence';
import { CreateNormalizerTables1764000000000 } from './migrations/1764000000000-create-normalizer-tables';
import { CreateParkedRawEvents1764100000000 } from './migrations/1764100000000-create-parked-raw-events';

/** normalizer's own schema (plain SQL, no entities). Migrations in order; never edit a published one. */
export const NORMALIZER_DATABASE: ServiceDatabase = {
  name: 'normalizer',
  schema: 'normalizer',
  entities: [],
  migrations: [CreateNormalizerTables1764000000000, CreateParkedRawEvents1764100000000],
};
