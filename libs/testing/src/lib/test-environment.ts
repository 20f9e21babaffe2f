import { randomBytes } from 'node:crypto';
import { DEFAULT_DATABASE_URL, DEFAULT_KAFKA_BROKERS } from '@connector-events/config';

/**
 * The environment integration tests run services with: the real broker and database that
 * scripts/infra/up.sh started (or whatever KAFKA_BROKERS / DATABASE_URL point at), a fresh
 * secrets key, and quiet logs.
 */
export function testEnvironment<T extends NodeJS.ProcessEnv>(overrides: T = {} as T): NodeJS.ProcessEnv & T {
  return {
    KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? DEFAULT_KAFKA_BROKERS,
    DATABASE_URL: process.env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL,
    SECRETS_KEY: randomBytes(32).toString('base64'),
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
    KAFKA_TOPIC_PARTITIONS: '3',
    ...overrides,
  };
}
