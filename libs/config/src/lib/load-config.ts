import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import * as path from 'node:path';
import { AppConfig } from './app-config';
import { ConfigValidationError } from './config-validation.error';
import { EnvironmentVariables } from './environment-variables';
import { readNotifierSettings } from './notifier-settings';
import { readPollerSettings } from './poller-settings';
import { readProviderBaseUrls } from './provider-base-urls';
import { parseSecretsKey } from './secrets-key';
import { DEFAULT_PORTS, ServiceName } from './service-name';
import { DEFAULT_WEBHOOK_MAX_BODY_BYTES, kafkaMaxMessageBytesFor } from './webhook-body-limit';

export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';
export const DEFAULT_KAFKA_SESSION_TIMEOUT_MS = 30_000;
export const DEFAULT_DATABASE_URL =
  'postgres://connector_events:connector_events@127.0.0.1:5432/connector_events';

/**
 * Validates the environment once, at start-up, and fills in defaults.
 * Throws {@link ConfigValidationError} listing every bad variable by name.
 */
export function loadConfig(service: ServiceName | 'embedded', env: NodeJS.ProcessEnv = process.env): AppConfig {
  const vars = plainToInstance(EnvironmentVariables, withoutEmpty(env));
  const problems = validateSync(vars, { forbidUnknownValues: false }).flatMap((error) =>
    Object.values(error.constraints ?? {}).map((message) => message),
  );

  const secretsKey = vars.SECRETS_KEY === undefined ? undefined : parseSecretsKey(vars.SECRETS_KEY);
  if (vars.SECRETS_KEY === undefined) {
    problems.push('SECRETS_KEY is required: 32 random bytes as base64 or hex (openssl rand -base64 32)');
  } else if (secretsKey === undefined) {
    problems.push('SECRETS_KEY must be 32 bytes written as base64 or 64 hex characters (openssl rand -base64 32)');
  }

  const hasOrg = vars.BOOTSTRAP_ORGANIZATION_SECRET !== undefined;
  const hasUser = vars.BOOTSTRAP_USER_SECRET !== undefined;
  if (hasOrg !== hasUser) {
    problems.push('BOOTSTRAP_ORGANIZATION_SECRET and BOOTSTRAP_USER_SECRET must be set together');
  }

  const providers = readProviderBaseUrls(env);
  problems.push(...providers.problems);
  const notifier = readNotifierSettings(env);
  problems.push(...notifier.problems);
  const poller = readPollerSettings(env);
  problems.push(...poller.problems);

  if (problems.length > 0 || secretsKey === undefined) throw new ConfigValidationError(problems);

  const port = vars.PORT ?? DEFAULT_PORTS[service];
  const webhookMaxBodyBytes = vars.WEBHOOK_MAX_BODY_BYTES ?? DEFAULT_WEBHOOK_MAX_BODY_BYTES;
  const ingestPort = service === 'embedded' ? port : DEFAULT_PORTS['webhook-ingest'];
  return {
    service,
    port,
    logLevel: vars.LOG_LEVEL ?? 'info',
    kafka: {
      brokers: (vars.KAFKA_BROKERS ?? DEFAULT_KAFKA_BROKERS).split(','),
      topicPartitions: vars.KAFKA_TOPIC_PARTITIONS ?? 6,
      clientId: `connector-events-${service}`,
      maxMessageBytes: kafkaMaxMessageBytesFor(webhookMaxBodyBytes),
      sessionTimeoutMs: vars.KAFKA_SESSION_TIMEOUT_MS ?? DEFAULT_KAFKA_SESSION_TIMEOUT_MS,
    },
    database: {
      url: vars.DATABASE_URL ?? DEFAULT_DATABASE_URL,
      poolSize: vars.DATABASE_POOL_SIZE ?? 10,
    },
    secretsKey,
    publicBaseUrl: (vars.PUBLIC_BASE_URL ?? `http://127.0.0.1:${ingestPort}`).replace(/\/+$/, ''),
    ...(hasOrg && hasUser
      ? {
          bootstrap: {
            organizationSecret: vars.BOOTSTRAP_ORGANIZATION_SECRET as string,
            userSecret: vars.BOOTSTRAP_USER_SECRET as string,
          },
        }
      : {}),
    providerBaseUrls: providers.urls,
    dataDir: path.resolve(vars.DATA_DIR ?? '.data'),
    webhookMaxBodyBytes,
    normalizerConsumerGroup: vars.NORMALIZER_CONSUMER_GROUP ?? 'normalizer',
    notifier: notifier.settings,
    poller: poller.settings,
    ...(vars.CONNECTOR_DEFINITIONS_FILE ? { connectorDefinitionsFile: path.resolve(vars.CONNECTOR_DEFINITIONS_FILE) } : {}),
  };
}

/** Empty strings count as unset, as most deployment tools write them for absent values. */
function withoutEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') picked[name] = value;
  }
  return picked;
}
