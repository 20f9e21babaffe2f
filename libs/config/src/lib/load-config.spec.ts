import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { ConfigValidationError } from './config-validation.error';
import { DEFAULT_DATABASE_URL, loadConfig } from './load-config';

const key = randomBytes(32);
const valid = { SECRETS_KEY: key.toString('base64') };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig('poller', env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return [...error.problems];
    throw error;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('loadConfig', () => {
  it('fills in the documented defaults', () => {
    const config = loadConfig('poller', valid);
    expect(config).toEqual(
      expect.objectContaining({
        service: 'poller',
        port: 3002,
        logLevel: 'info',
        publicBaseUrl: 'http://127.0.0.1:3001',
        providerBaseUrls: {},
      }),
    );
    expect(config.kafka).toEqual({ brokers: ['127.0.0.1:9092'], topicPartitions: 6, clientId: 'connector-events-poller', maxMessageBytes: 16 * 1024 * 1024, sessionTimeoutMs: 30_000 });
    expect(config.database).toEqual({ url: DEFAULT_DATABASE_URL, poolSize: 10 });
    expect(config.secretsKey.equals(key)).toBe(true);
    expect(config.bootstrap).toBeUndefined();
    expect(config.connectorDefinitionsFile).toBeUndefined();
    expect(config.webhookMaxBodyBytes).toBe(5 * 1024 * 1024);
    expect(config.normalizerConsumerGroup).toBe('normalizer');
  });

  it('gives each service its default port and the embedded mode one port for all', () => {
    expect(loadConfig('instance-service', valid).port).toBe(3000);
    expect(loadConfig('notifier', valid).port).toBe(3004);
    const embedded = loadConfig('embedded', valid);
    expect(embedded.port).toBe(3000);
    expect(embedded.publicBaseUrl).toBe('http://127.0.0.1:3000');
  });

  it('reads every variable it documents', () => {
    const config = loadConfig('webhook-ingest', {
      ...valid,
      KAFKA_BROKERS: 'k1:9092,k2:9093',
      KAFKA_TOPIC_PARTITIONS: '12',
      KAFKA_SESSION_TIMEOUT_MS: '10000',
      DATABASE_URL: 'postgresql://u:p@db:5432/x',
      DATABASE_POOL_SIZE: '4',
      PORT: '8080',
      PUBLIC_BASE_URL: 'https://events.example.com/',
      BOOTSTRAP_ORGANIZATION_SECRET: 'o'.repeat(16),
      BOOTSTRAP_USER_SECRET: 'u'.repeat(16),
      LOG_LEVEL: 'debug',
      PROVIDER_BASE_URL_HUBSPOT: 'http://127.0.0.1:4010/',
      CONNECTOR_DEFINITIONS_FILE: '/etc/connector-events/connectors.json',
      WEBHOOK_MAX_BODY_BYTES: '1048576',
    });
    expect(config.kafka.brokers).toEqual(['k1:9092', 'k2:9093']);
    expect(config.kafka.topicPartitions).toBe(12);
    expect(config.kafka.sessionTimeoutMs).toBe(10_000);
    expect(config.database).toEqual({ url: 'postgresql://u:p@db:5432/x', poolSize: 4 });
    expect(config.port).toBe(8080);
    expect(config.publicBaseUrl).toBe('https://events.example.com');
    expect(config.bootstrap).toEqual({ organizationSecret: 'o'.repeat(16), userSecret: 'u'.repeat(16) });
    expect(config.logLevel).toBe('debug');
    expect(config.providerBaseUrls).toEqual({ hubspot: 'http://127.0.0.1:4010' });
    expect(config.connectorDefinitionsFile).toBe('/etc/connector-events/connectors.json');
    expect(config.webhookMaxBodyBytes).toBe(1048576);
  });

  it('resolves a relative CONNECTOR_DEFINITIONS_FILE against the working directory', () => {
    const config = loadConfig('poller', { ...valid, CONNECTOR_DEFINITIONS_FILE: 'config/connectors.json' });
    expect(config.connectorDefinitionsFile).toBe(path.resolve('config/connectors.json'));
  });

  it('accepts the key as 64 hex characters too', () => {
    expect(loadConfig('poller', { SECRETS_KEY: key.toString('hex') }).secretsKey.equals(key)).toBe(true);
  });

  it('treats empty variables as unset', () => {
    expect(loadConfig('poller', { ...valid, PORT: '', LOG_LEVEL: '' }).port).toBe(3002);
  });

  it('names every bad variable at once', () => {
    const problems = problemsOf({
      SECRETS_KEY: 'c2hvcnQ=',
      PORT: '70000',
      KAFKA_BROKERS: 'localhost',
      KAFKA_TOPIC_PARTITIONS: 'many',
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
      PUBLIC_BASE_URL: 'not a url',
      BOOTSTRAP_USER_SECRET: 'short',
      PROVIDER_BASE_URL_hubspot: 'http://x',
      PROVIDER_BASE_URL_DROPBOX: 'file:///etc/passwd',
      CONNECTOR_DEFINITIONS_FILE: 'connectors.yaml',
      WEBHOOK_MAX_BODY_BYTES: '5MB',
    }).join('\n');
    for (const variable of [
      'SECRETS_KEY',
      'PORT',
      'KAFKA_BROKERS',
      'KAFKA_TOPIC_PARTITIONS',
      'DATABASE_URL',
      'LOG_LEVEL',
      'PUBLIC_BASE_URL',
      'BOOTSTRAP_USER_SECRET must be at least 16',
      'BOOTSTRAP_ORGANIZATION_SECRET and BOOTSTRAP_USER_SECRET must be set together',
      'PROVIDER_BASE_URL_hubspot',
      'PROVIDER_BASE_URL_DROPBOX',
      'CONNECTOR_DEFINITIONS_FILE must be the path of a .json file',
      'WEBHOOK_MAX_BODY_BYTES must be a whole number of bytes',
    ]) {
      expect(problems).toContain(variable);
    }
  });

  it('keeps KAFKA_SESSION_TIMEOUT_MS within what the broker accepts, 30 s unless set', () => {
    expect(loadConfig('normalizer', valid).kafka.sessionTimeoutMs).toBe(30_000);
    expect(problemsOf({ ...valid, KAFKA_SESSION_TIMEOUT_MS: '5999' })).toEqual(['KAFKA_SESSION_TIMEOUT_MS must be at least 6000 (the broker refuses shorter sessions)']);
    expect(problemsOf({ ...valid, KAFKA_SESSION_TIMEOUT_MS: '300001' })).toEqual(['KAFKA_SESSION_TIMEOUT_MS must be at most 300000 (the broker refuses longer sessions)']);
    expect(problemsOf({ ...valid, KAFKA_SESSION_TIMEOUT_MS: '10s' })).toContain('KAFKA_SESSION_TIMEOUT_MS must be a whole number of milliseconds');
  });

  it('keeps WEBHOOK_MAX_BODY_BYTES between 1 KiB and 64 MiB', () => {
    expect(problemsOf({ ...valid, WEBHOOK_MAX_BODY_BYTES: '1023' })).toEqual(['WEBHOOK_MAX_BODY_BYTES must be at least 1024']);
    expect(problemsOf({ ...valid, WEBHOOK_MAX_BODY_BYTES: String(64 * 1024 * 1024 + 1) })).toEqual([
      'WEBHOOK_MAX_BODY_BYTES must be at most 67108864 (64 MiB)',
    ]);
    expect(loadConfig('webhook-ingest', { ...valid, WEBHOOK_MAX_BODY_BYTES: '1024' }).webhookMaxBodyBytes).toBe(1024);
  });

  it('requires SECRETS_KEY and says how to make one', () => {
    expect(problemsOf({})).toEqual([expect.stringMatching(/SECRETS_KEY is required.*openssl rand -base64 32/)]);
  });

  it('never repeats a secret value in its messages', () => {
    const secret = 'a-secret-that-is-too-short';
    const problems = problemsOf({ SECRETS_KEY: secret }).join('\n');
    expect(problems).not.toContain(secret);
  });
});
