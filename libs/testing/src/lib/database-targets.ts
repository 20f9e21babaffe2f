import { DEFAULT_DATABASE_URL } from '@connector-events/config';
import { EmbeddedPostgres, startEmbeddedPostgres } from '@connector-events/persistence';

/** A database a test runs on: its URL and, for PGlite, the `pg` replacement to connect with. */
export interface DatabaseTarget {
  readonly name: string;
  url(): string;
  pgDriver?(): object;
}

/**
 * The two databases the services run on, for `describe.each`: the PostgreSQL server (or
 * `DATABASE_URL`) and an embedded PGlite started before the file's tests and stopped after.
 * Call at the top level of a test file.
 */
export function postgresAndPglite(): DatabaseTarget[] {
  let embedded: EmbeddedPostgres | undefined;
  beforeAll(async () => {
    embedded = await startEmbeddedPostgres({});
  });
  afterAll(async () => {
    await embedded?.stop();
  });
  const started = (): EmbeddedPostgres => {
    if (!embedded) throw new Error('PGlite is not started yet: use the targets inside tests');
    return embedded;
  };
  return [
    { name: 'PostgreSQL server', url: () => process.env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL },
    { name: 'embedded PGlite', url: () => started().url, pgDriver: () => started().pgDriver },
  ];
}
