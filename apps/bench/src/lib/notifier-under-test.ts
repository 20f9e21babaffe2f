import { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '@connector-events/config';
import { DeliveryModule, NOTIFIER_DATABASE } from '@connector-events/delivery';
import { TOPICS } from '@connector-events/messaging';
import { createServiceApp } from '@connector-events/runtime';
import { startGroupAtEnd } from '@connector-events/testing';

export interface NotifierUnderTest {
  readonly app: INestApplication;
  readonly config: AppConfig;
  /** Stops the notifier and drops its benchmark schema. */
  close(): Promise<void>;
}

/**
 * The notifier as `main.ts` builds it (Kafka transport), in this process, with its own consumer
 * group moved to the end of `oc.events.notifications.v1` (earlier runs' notifications are not
 * delivered again) and its own schema, dropped afterwards. The environment is honoured; callbacks
 * on loopback are allowed, since the receivers are local.
 */
export async function startNotifierUnderTest(env: NodeJS.ProcessEnv = process.env): Promise<NotifierUnderTest> {
  const config = loadConfig('notifier', {
    LOG_LEVEL: 'fatal',
    SECRETS_KEY: createHash('sha256').update('connector-events benchmark').digest('base64'),
    ...env,
    PORT: '0',
    CALLBACK_ALLOW_PRIVATE_NETWORKS: 'true',
  });
  const suffix = randomBytes(4).toString('hex');
  const groupId = `notifier-bench-${suffix}`;
  const schema = `notifier_bench_${suffix}`;
  await startGroupAtEnd(groupId, TOPICS.notifications.name, config.kafka.brokers);
  const app = await createServiceApp(config, { service: 'notifier', transport: 'kafka', features: [DeliveryModule.register({ groupId, schema })] });
  await app.listen(0, '127.0.0.1');
  return {
    app,
    config,
    close: async () => {
      const options = app.get<DataSource>(getDataSourceToken(NOTIFIER_DATABASE.name)).options;
      await app.close();
      const cleanup = new DataSource({ ...options, name: 'notifier-bench-cleanup', migrations: [] } as never);
      await cleanup.initialize();
      await cleanup.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await cleanup.destroy();
    },
  };
}
