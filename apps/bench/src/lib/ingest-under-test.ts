import { INestApplication } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { AppConfig, loadConfig } from '@connector-events/config';
import { IngestModule } from '@connector-events/ingest';
import { createServiceApp } from '@connector-events/runtime';

/** What providers are told to call; signatures cover it, so it need not resolve. */
export const BENCH_PUBLIC_BASE_URL = 'https://events.bench.example';

export interface IngestUnderTest {
  readonly app: INestApplication;
  readonly config: AppConfig;
  /** Where the service listens on loopback, e.g. `http://127.0.0.1:41234`. */
  readonly origin: string;
}

/**
 * webhook-ingest as `main.ts` builds it (Kafka transport, default connectors), in this
 * process, on a free loopback port. The environment (`KAFKA_BROKERS`…) is honoured; logs are
 * quiet unless `LOG_LEVEL` asks otherwise, so logging does not dominate the figures.
 */
export async function startIngestUnderTest(env: NodeJS.ProcessEnv = process.env): Promise<IngestUnderTest> {
  const config = loadConfig('webhook-ingest', {
    LOG_LEVEL: 'fatal',
    // Not a secret: bench instances are made up, and a fixed key lets later runs read earlier snapshots.
    SECRETS_KEY: createHash('sha256').update('connector-events benchmark').digest('base64'),
    ...env,
    PORT: '0',
    PUBLIC_BASE_URL: BENCH_PUBLIC_BASE_URL,
  });
  const app = await createServiceApp(config, { service: 'webhook-ingest', transport: 'kafka', features: [IngestModule] });
  await app.listen(0, '127.0.0.1');
  return { app, config, origin: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}
