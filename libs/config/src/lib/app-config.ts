import { LogLevel } from './log-level';
import { NotifierSettings } from './notifier-settings';
import { PollerSettings } from './poller-settings';
import { ServiceName } from './service-name';

/** The validated, defaulted configuration a process runs with. */
export interface AppConfig {
  readonly service: ServiceName | 'embedded';
  readonly port: number;
  readonly logLevel: LogLevel;
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly topicPartitions: number;
    readonly clientId: string;
    /** `max.message.bytes` of every topic, from {@link kafkaMaxMessageBytesFor}. */
    readonly maxMessageBytes: number;
    /**
     * How long the broker waits for a consumer that stopped heartbeating (a crashed process)
     * before its partitions go to the group's other members, or to its restarted self.
     */
    readonly sessionTimeoutMs: number;
  };
  readonly database: {
    readonly url: string;
    readonly poolSize: number;
  };
  /** 32-byte key that encrypts stored secrets. Never logged. */
  readonly secretsKey: Buffer;
  readonly publicBaseUrl: string;
  readonly bootstrap?: {
    readonly organizationSecret: string;
    readonly userSecret: string;
  };
  /** Overrides of provider hosts, keyed by lower-case element key (`hubspot` → `http://127.0.0.1:4010`). */
  readonly providerBaseUrls: Readonly<Record<string, string>>;
  readonly dataDir: string;
  /** The largest provider webhook body webhook-ingest reads; a bigger one answers 413. */
  readonly webhookMaxBodyBytes: number;
  /** The normalizer's Kafka consumer group: replicas share it; a second deployment reading the same raw topic needs its own. */
  readonly normalizerConsumerGroup: string;
  /** Delivery to callback URLs: retries, timeouts, concurrency, private networks. */
  readonly notifier: NotifierSettings;
  /** Polling schedule: the length of a poller minute, concurrency per provider, the instance tag it polls. */
  readonly poller: PollerSettings;
  /** Absolute path of a JSON array of generic connector definitions, when set. */
  readonly connectorDefinitionsFile?: string;
}

/** Nest injection token for {@link AppConfig}. */
export const APP_CONFIG = Symbol('APP_CONFIG');
