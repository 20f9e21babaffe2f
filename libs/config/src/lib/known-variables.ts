/**
 * Every environment variable the services read. The README's configuration table and the
 * deployment-file test are checked against this list, so a variable cannot be documented or
 * deployed without existing here.
 */
export const KNOWN_ENVIRONMENT_VARIABLES = [
  'KAFKA_BROKERS',
  'KAFKA_TOPIC_PARTITIONS',
  'KAFKA_SESSION_TIMEOUT_MS',
  'DATABASE_URL',
  'DATABASE_POOL_SIZE',
  'PORT',
  'SECRETS_KEY',
  'PUBLIC_BASE_URL',
  'BOOTSTRAP_ORGANIZATION_SECRET',
  'BOOTSTRAP_USER_SECRET',
  'LOG_LEVEL',
  'DATA_DIR',
  'CONNECTOR_DEFINITIONS_FILE',
  'WEBHOOK_MAX_BODY_BYTES',
  'NORMALIZER_CONSUMER_GROUP',
  'NOTIFIER_CONSUMER_GROUP',
  'NOTIFIER_RETRY_SCHEDULE_SECONDS',
  'NOTIFIER_RETRY_JITTER',
  'NOTIFIER_CALLBACK_TIMEOUT_MS',
  'NOTIFIER_MAX_CONCURRENCY',
  'NOTIFIER_MAX_CONCURRENCY_PER_HOST',
  'CALLBACK_ALLOW_PRIVATE_NETWORKS',
  'POLLER_MINUTE_MS',
  'POLLER_CONCURRENCY_PER_PROVIDER',
  'POLLER_INSTANCE_TAG',
] as const;

/** `PROVIDER_BASE_URL_<ELEMENTKEY>`: one variable per connector, so matched by prefix. */
export const PROVIDER_BASE_URL_PREFIX = 'PROVIDER_BASE_URL_';

export function isKnownEnvironmentVariable(name: string): boolean {
  return (
    (KNOWN_ENVIRONMENT_VARIABLES as readonly string[]).includes(name) ||
    /^PROVIDER_BASE_URL_[A-Z0-9]+$/.test(name)
  );
}
