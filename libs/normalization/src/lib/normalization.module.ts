import { DynamicModule, Inject, Logger, Module, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@connector-events/config';
import { ConnectorRegistry, createConnectorRegistry } from '@connector-events/connectors';
import { InstanceView, InstanceViewModule, MESSAGE_BUS, MessageBus, Subscription, TOPICS, on } from '@connector-events/messaging';
import { PersistenceModule } from '@connector-events/persistence';
import { SecretBox } from '@connector-events/secrets';
import { NORMALIZER_DATABASE } from './database/normalizer.database';
import { ConnectorStatePreparer } from './instances/connector-state-preparer';
import { InstanceLookup } from './instances/instance-lookup';
import { NormalizerMetrics } from './metrics/normalizer-metrics';
import { NORMALIZATION_DEFAULTS, NORMALIZATION_OPTIONS, NormalizationOptions, PROMETHEUS_REGISTRY } from './normalization-options';
import { NotificationPublisher } from './normalizing/notification-publisher';
import { ParkedRawEventRedriver } from './parking/parked-raw-event-redriver';
import { ParkedRawEventStore } from './parking/parked-raw-event-store';
import { DEFAULT_PARKING_POLICY } from './parking/parking-policy';
import { PostgresParkedRawEventStore } from './parking/postgres-parked-raw-event-store';
import { ProviderOutageParking } from './parking/provider-outage-parking';
import { RawEventNormalizer } from './normalizing/raw-event-normalizer';
import { normalizerSessions } from './sessions/normalizer-sessions';
import { InstanceTokenSessions } from '@connector-events/provider-sessions';
import { NormalizerStore } from './store/normalizer-store';
import { PostgresNormalizerStore } from './store/postgres-normalizer-store';

const NORMALIZER_STORE = Symbol('NORMALIZER_STORE');
const PARKED_RAW_EVENT_STORE = Symbol('PARKED_RAW_EVENT_STORE');
const optionsToken = { token: NORMALIZATION_OPTIONS, optional: true };

/**
 * normalizer: raw events to paged Open Connectors notifications and event objects. Used as is
 * by the apps; `register` changes its options (tests give their own consumer group).
 */
@Module({
  imports: [PersistenceModule.forService(NORMALIZER_DATABASE), InstanceViewModule.forConsumer('normalizer')],
  providers: [
    {
      provide: ConnectorRegistry,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createConnectorRegistry(config),
    },
    {
      provide: NORMALIZER_STORE,
      inject: [getDataSourceToken(NORMALIZER_DATABASE.name)],
      useFactory: (dataSource: DataSource) => new PostgresNormalizerStore(dataSource),
    },
    {
      provide: PARKED_RAW_EVENT_STORE,
      inject: [getDataSourceToken(NORMALIZER_DATABASE.name)],
      useFactory: (dataSource: DataSource) => new PostgresParkedRawEventStore(dataSource),
    },
    {
      provide: ProviderOutageParking,
      inject: [PARKED_RAW_EVENT_STORE, optionsToken],
      useFactory: (store: ParkedRawEventStore, options?: NormalizationOptions) => new ProviderOutageParking(store, options?.parking ?? DEFAULT_PARKING_POLICY),
    },
    {
      provide: ParkedRawEventRedriver,
      inject: [PARKED_RAW_EVENT_STORE, MESSAGE_BUS, NormalizerMetrics, ProviderOutageParking, optionsToken],
      useFactory: (store: ParkedRawEventStore, bus: MessageBus, metrics: NormalizerMetrics, parking: ProviderOutageParking, options?: NormalizationOptions) =>
        new ParkedRawEventRedriver(
          store,
          bus,
          options?.redriveEveryMs ?? NORMALIZATION_DEFAULTS.redriveEveryMs,
          (count) => metrics.redriven.inc(count),
          (remaining) => {
            parking.noteRemaining(remaining);
            metrics.parkedNow.set(remaining);
          },
        ),
    },
    {
      provide: NormalizerMetrics,
      inject: [{ token: PROMETHEUS_REGISTRY, optional: true }],
      useFactory: (registry?: Registry) => new NormalizerMetrics(registry),
    },
    {
      provide: InstanceLookup,
      inject: [InstanceView, optionsToken],
      useFactory: (view: InstanceView, options?: NormalizationOptions) =>
        new InstanceLookup(view, { unknownWaitMs: options?.unknownInstanceWaitMs ?? NORMALIZATION_DEFAULTS.unknownInstanceWaitMs }),
    },
    {
      provide: InstanceTokenSessions,
      inject: [NORMALIZER_STORE, MESSAGE_BUS, APP_CONFIG],
      useFactory: (store: NormalizerStore, bus: MessageBus, config: AppConfig) => normalizerSessions(store, bus, new SecretBox(config.secretsKey)),
    },
    {
      provide: ConnectorStatePreparer,
      inject: [NORMALIZER_STORE, ConnectorRegistry, InstanceTokenSessions],
      useFactory: (store: NormalizerStore, connectors: ConnectorRegistry, sessions: InstanceTokenSessions) =>
        new ConnectorStatePreparer(store, connectors, sessions),
    },
    {
      provide: RawEventNormalizer,
      inject: [InstanceLookup, ConnectorRegistry, NORMALIZER_STORE, InstanceTokenSessions, MESSAGE_BUS, NormalizerMetrics, ProviderOutageParking, APP_CONFIG],
      useFactory: (
        instances: InstanceLookup,
        connectors: ConnectorRegistry,
        store: NormalizerStore,
        sessions: InstanceTokenSessions,
        bus: MessageBus,
        metrics: NormalizerMetrics,
        parking: ProviderOutageParking,
        config: AppConfig,
      ) =>
        new RawEventNormalizer({
          instances,
          connectors,
          store,
          sessions,
          publisher: new NotificationPublisher(bus, config.kafka.maxMessageBytes),
          metrics,
          parking,
        }),
    },
  ],
  exports: [NormalizerMetrics],
})
export class NormalizationModule implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NormalizationModule.name);
  private subscription?: Subscription;
  private pruneTimer?: NodeJS.Timeout;
  private stopListening?: () => void;

  static register(options: NormalizationOptions): DynamicModule {
    return { module: NormalizationModule, providers: [{ provide: NORMALIZATION_OPTIONS, useValue: options }] };
  }

  constructor(
    private readonly normalizer: RawEventNormalizer,
    private readonly preparer: ConnectorStatePreparer,
    private readonly lookup: InstanceLookup,
    private readonly redriver: ParkedRawEventRedriver,
    @Inject(InstanceView) private readonly view: InstanceView,
    @Inject(NORMALIZER_STORE) private readonly store: NormalizerStore,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(NORMALIZATION_OPTIONS) private readonly options: NormalizationOptions = {},
  ) {}

  /** Before the view reads `oc.instances.v1` (at bootstrap), so every instance passes the listener. */
  onModuleInit(): void {
    this.stopListening = this.view.onChange((id, record) => {
      this.lookup.noteChange(id, record);
      this.preparer.onChange(id, record);
    });
  }

  /** After the view caught up: raw events are only read once every known instance is in it. */
  async onApplicationBootstrap(): Promise<void> {
    this.subscription = await this.bus.subscribe({
      groupId: this.options.groupId ?? this.config.normalizerConsumerGroup,
      // A first deployment must not skip raw events published before it started.
      fromBeginning: true,
      handlers: [on(TOPICS.rawEvents, (message) => this.normalizer.handle(message))],
    });
    this.redriver.start();
    this.pruneTimer = setInterval(() => this.prune(), NORMALIZATION_DEFAULTS.pruneEveryMs);
    this.pruneTimer.unref();
    this.prune();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.pruneTimer);
    this.stopListening?.();
    await this.subscription?.stop();
    await this.redriver.stop();
    await this.preparer.stop();
  }

  private prune(): void {
    const before = new Date(Date.now() - (this.options.deliveryRetentionMs ?? NORMALIZATION_DEFAULTS.deliveryRetentionMs));
    this.store.prune(before).then(
      (removed) => {
        if (removed > 0) this.logger.log({ removed }, 'pruned old delivery ids');
      },
      (error: unknown) => this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not prune old delivery ids'),
    );
  }
}
