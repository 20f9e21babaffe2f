import 'reflect-metadata';
import { loadConfig } from '@connector-events/config';
import { INSTANCE_SERVICE_DATABASE, runAccountsCommand } from '@connector-events/instances';
import { dataSourceOptions, openDataSource } from '@connector-events/persistence';

/** `npm run accounts -- …`: organizations and users, against DATABASE_URL. */
async function main(): Promise<number> {
  const config = loadConfig('instance-service', process.env);
  const dataSource = await openDataSource(
    dataSourceOptions(INSTANCE_SERVICE_DATABASE, { url: config.database.url, poolSize: 1 }),
  );
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
