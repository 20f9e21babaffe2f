import 'reflect-metadata';
import * as path from 'node:path';
import { DeliveryModule } from '@connector-events/delivery';
import { IngestModule } from '@connector-events/ingest';
import { InstancesModule, installApiDocs } from '@connector-events/instances';
import { NormalizationModule } from '@connector-events/normalization';
import { startEmbeddedPostgres } from '@connector-events/persistence';
import { PollingModule } from '@connector-events/polling';
import { bootstrapService } from '@connector-events/runtime';
import { loadOrCreateSecrets } from './embedded-secrets';

/**
 * `npm start`: all five services in one process, over the in-process bus and an embedded
 * PostgreSQL (PGlite) kept in ./.data. No Java, Docker or database server needed.
 */
async function main(): Promise<void> {
  const dataDir = path.resolve(process.env['DATA_DIR'] || '.data');
  const { secrets, created } = loadOrCreateSecrets(dataDir);
  const database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pglite') });

  const env: NodeJS.ProcessEnv = {
    SECRETS_KEY: secrets.secretsKey,
    BOOTSTRAP_ORGANIZATION_SECRET: secrets.organizationSecret,
    BOOTSTRAP_USER_SECRET: secrets.userSecret,
    // One machine, callbacks usually on it too (a local receiver); distributed deployments refuse them.
    CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
    ...process.env,
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
  };
  const { config } = await bootstrapService(
    {
      service: 'embedded',
      transport: 'in-process',
      features: [InstancesModule, IngestModule, PollingModule, NormalizationModule, DeliveryModule.register()],
      configureApp: installApiDocs,
      pgDriver: database.pgDriver,
      afterClose: () => database.stop(),
    },
    env,
  );

  const url = `http://127.0.0.1:${config.port}`;
  process.stdout.write(
    [
      '',
      `Connector Events (embedded) is listening on ${url}`,
      `  REST API:       ${url}/elements/api-v2`,
      `  Provider hooks: ${config.publicBaseUrl}/elements/api-v2/events/{elementKey}`,
      `  Health:         ${url}/health/ready   Metrics: ${url}/metrics`,
      `  Data:           ${dataDir}${created ? ' (created now)' : ''}`,
      '',
      // Secrets are shown once, when they are made; later starts only say where they are kept.
      ...(created
        ? [
            'Authenticate with the header:',
            `  Authorization: User ${env['BOOTSTRAP_USER_SECRET']}, Organization ${env['BOOTSTRAP_ORGANIZATION_SECRET']}`,
          ]
        : [`Credentials: ${path.join(dataDir, 'secrets.json')}`]),
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`embedded: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
