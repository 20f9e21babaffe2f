import { MixedList } from 'typeorm';

/** What a service owns in PostgreSQL: its own schema, entities and migrations. */
export interface ServiceDatabase {
  /** Also the TypeORM data source name: `@InjectRepository(Entity, name)`. */
  readonly name: string;
  /** PostgreSQL schema; no service reads another's. */
  readonly schema: string;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own entity/migration list type
  readonly entities: MixedList<Function | string>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's own entity/migration list type
  readonly migrations: MixedList<Function | string>;
}
