import { DEFAULT_DATABASE_URL, DEFAULT_KAFKA_BROKERS } from '@connector-events/config';

/** A fixed, obviously-test secrets key (32 bytes of 0x5a). */
export const TEST_SECRETS_KEY = Buffer.alloc(32, 0x5a).toString('base64');

/**
 * The environment integration tests run services with: the real broker and database that
 * scripts/infra/up.sh started (or whatever KAFKA_BROKERS / DATABASE_URL point at), a fresh
 * secrets key, and quiet logs.
 */
export function testEnvironment<T extends NodeJS.ProcessEnv>(overrides: T = {} as T): NodeJS.ProcessEnv & T {
  return {
    KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? DEFAULT_KAFKA_BROKERS,
    DATABASE_URL: process.env['DATABASE_URL'] ?? DEFAULT_DATABASE_URL,
    // One key for every test: the services' schemas are shared between test runs, and a store
    // sealed with one key cannot be replayed with another.
    SECRETS_KEY: TEST_SECRETS_KEY,
    LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'warn',
    KAFKA_TOPIC_PARTITIONS: '3',
    ...overrides,
  };
}
