import 'reflect-metadata';
import { DEFAULT_DATABASE_URL } from '@connector-events/config';
import { INSTANCE_SERVICE_DATABASE, runAccountsCommand } from '@connector-events/instances';
import { dataSourceOptions, openDataSource } from '@connector-events/persistence';

/**
 * `npm run accounts -- …`: organizations and users, against DATABASE_URL. It needs nothing
 * else (no SECRETS_KEY: account secrets are hashed, not sealed).
 */
async function main(): Promise<number> {
  const url = process.env['DATABASE_URL'] || DEFAULT_DATABASE_URL;
  const dataSource = await openDataSource(dataSourceOptions(INSTANCE_SERVICE_DATABASE, { url, poolSize: 1 }));
  try {
    return await runAccountsCommand(process.argv.slice(2), dataSource, {
      out: (line) => process.stdout.write(`${line}\n`),
      err: (line) => process.stderr.write(`${line}\n`),
    });
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`accounts: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
