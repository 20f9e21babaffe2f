import { DynamicModule, Inject, Logger, Module, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@connector-events/config';
import { ConnectorRegistry, ProviderHttpClient, createConnectorRegistry } from '@connector-events/connectors';
import { InstanceRecord, InstanceView, InstanceViewModule, MESSAGE_BUS, MessageBus, Subscription, TOPICS, on } from '@connector-events/messaging';
import { PersistenceModule } from '@connector-events/persistence';
import { SecretBox } from '@connector-events/secrets';
import { POLLER_DATABASE } from './database/poller.database';
import { PollerMetrics } from './metrics/poller-metrics';
import { InstancePoller } from './polling/instance-poller';
import { PollScheduler } from './polling/poll-scheduler';
import { POLLING_OPTIONS, PROMETHEUS_REGISTRY, PollingOptions, ResolvedPollingOptions, resolvePollingOptions } from './polling-options';
import { ScheduleSync } from './schedule/schedule-sync';
import { pollerSessions } from './sessions/poller-sessions';
import { InstanceTokenSessions } from '@connector-events/provider-sessions';
import { PollerStore } from './store/poller-store';
import { PostgresPollerStore } from './store/postgres-poller-store';
import { LifecycleNotifications } from './subscriptions/lifecycle-notifications';
import { SubscriptionKeeper } from './subscriptions/subscription-keeper';

export const POLLER_STORE = Symbol('POLLER_STORE');
const RESOLVED_OPTIONS = Symbol('RESOLVED_POLLING_OPTIONS');
/** Provider answers the poller waits for; a page of 2,000 Salesforce records can take a while. */
const PROVIDER_TIMEOUT_MS = 30_000;
/** How often instance changes that could not be stored are tried again. */
const RETRY_CHANGES_EVERY_MS = 1_000;

/**
 * poller: scheduled polling of instances with events enabled for polling, raw poll results on
 * `oc.events.raw.v1`, and provider webhook subscriptions (Microsoft Graph). Used as is by the
 * apps; `register` changes its options (tests shorten the clock and the subscription lifetime).
 */
@Module({
  imports: [PersistenceModule.forService(POLLER_DATABASE), InstanceViewModule.forConsumer('poller')],
  providers: [
    {
      provide: RESOLVED_OPTIONS,
      inject: [APP_CONFIG, { token: POLLING_OPTIONS, optional: true }],
      useFactory: (config: AppConfig, options?: PollingOptions) => resolvePollingOptions(config.poller, options),
    },
    { provide: ConnectorRegistry, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createConnectorRegistry(config) },
    { provide: POLLER_STORE, inject: [getDataSourceToken(POLLER_DATABASE.name)], useFactory: (dataSource: DataSource) => new PostgresPollerStore(dataSource) },
    {
      provide: PollerMetrics,
      inject: [{ token: PROMETHEUS_REGISTRY, optional: true }],
      useFactory: (registry?: Registry) => new PollerMetrics(registry),
    },
    {
      provide: InstanceTokenSessions,
      inject: [POLLER_STORE, MESSAGE_BUS, APP_CONFIG],
      useFactory: (store: PollerStore, bus: MessageBus, config: AppConfig) => pollerSessions(store, bus, new SecretBox(config.secretsKey)),
    },
    {
      provide: ScheduleSync,
      inject: [POLLER_STORE, ConnectorRegistry, PollerMetrics, RESOLVED_OPTIONS],
      useFactory: (store: PollerStore, connectors: ConnectorRegistry, metrics: PollerMetrics, options: ResolvedPollingOptions) =>
        new ScheduleSync(store, connectors, metrics, options),
    },
    {
      provide: PollScheduler,
      inject: [POLLER_STORE, InstanceView, ConnectorRegistry, InstanceTokenSessions, MESSAGE_BUS, PollerMetrics, RESOLVED_OPTIONS],
      useFactory: (
        store: PollerStore,
        view: InstanceView,
        connectors: ConnectorRegistry,
        sessions: InstanceTokenSessions,
        bus: MessageBus,
        metrics: PollerMetrics,
        options: ResolvedPollingOptions,
      ) => {
        const http = new ProviderHttpClient({ timeoutMs: PROVIDER_TIMEOUT_MS });
        const poller = new InstancePoller({ store, view, connectors, sessions, bus, http, metrics, options });
        return new PollScheduler(store, connectors, poller, metrics, options);
      },
    },
    {
      provide: SubscriptionKeeper,
      inject: [POLLER_STORE, InstanceView, ConnectorRegistry, InstanceTokenSessions, PollerMetrics, RESOLVED_OPTIONS, APP_CONFIG, { token: POLLING_OPTIONS, optional: true }],
      useFactory: (
        store: PollerStore,
        view: InstanceView,
        connectors: ConnectorRegistry,
        sessions: InstanceTokenSessions,
        metrics: PollerMetrics,
        options: ResolvedPollingOptions,
        config: AppConfig,
        given?: PollingOptions,
      ) =>
        new SubscriptionKeeper(store, view, connectors, sessions, metrics, options, {
          publicBaseUrl: config.publicBaseUrl,
          ...(given?.subscriptionLifetimeMs ? { lifetimeMs: given.subscriptionLifetimeMs } : {}),
        }),
    },
    { provide: LifecycleNotifications, inject: [POLLER_STORE], useFactory: (store: PollerStore) => new LifecycleNotifications(store) },
  ],
  exports: [PollerMetrics],
})
export class PollingModule implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(PollingModule.name);
  private readonly failedChanges = new Set<number>();
  private stopListening?: () => void;
  private lifecycle?: Subscription;
  private retryTimer?: NodeJS.Timeout;
  private startedAt?: Date;

  static register(options: PollingOptions): DynamicModule {
    return { module: PollingModule, providers: [{ provide: POLLING_OPTIONS, useValue: options }] };
  }

  constructor(
    private readonly sync: ScheduleSync,
    private readonly scheduler: PollScheduler,
    private readonly keeper: SubscriptionKeeper,
    private readonly lifecycleNotifications: LifecycleNotifications,
    @Inject(InstanceView) private readonly view: InstanceView,
    @Inject(POLLER_STORE) private readonly store: PollerStore,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(RESOLVED_OPTIONS) private readonly options: ResolvedPollingOptions,
  ) {}

  /** Before the view reads `oc.instances.v1` (at bootstrap), so every instance passes the listener. */
  async onModuleInit(): Promise<void> {
    this.startedAt = await this.store.now();
    this.stopListening = this.view.onChange((id, record) => this.applyChange(id, record));
  }

  /** After the view caught up: the schedule holds every instance, so polls may start. */
  async onApplicationBootstrap(): Promise<void> {
    await this.sync.reconcile(this.view, this.startedAt ?? new Date(0));
    await this.keeper.reconcile(this.startedAt ?? new Date(0));
    this.retryTimer = setInterval(() => void this.retryFailedChanges(), RETRY_CHANGES_EVERY_MS);
    this.retryTimer.unref();
    this.lifecycle = await this.bus.subscribe({
      groupId: this.options.lifecycleGroupId,
      handlers: [on(TOPICS.rawEvents, (message) => this.lifecycleNotifications.handle(message))],
    });
    this.scheduler.start();
    this.keeper.start();
    this.logger.log({ scope: this.options.scope || '(all instances)', minuteMs: this.options.minuteMs, leaseMs: this.options.leaseMs }, 'poller started');
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.retryTimer);
    this.stopListening?.();
    await this.lifecycle?.stop();
    await Promise.all([this.scheduler.stop(), this.keeper.stop()]);
  }

  /**
   * The view applies a change once; one that could not be stored (database down) is kept and
   * tried again with the instance's then current record, so no change is lost.
   */
  private async applyChange(id: number, record: InstanceRecord | undefined): Promise<void> {
    // Tombstones read while catching up are the reconciliation's, in two statements rather than
    // one per deleted instance the topic still remembers.
    if (!record && !this.view.ready) return;
    try {
      await this.sync.apply(id, record);
      await this.keeper.apply(id, record);
      this.failedChanges.delete(id);
    } catch (error) {
      this.failedChanges.add(id);
      this.logger.warn({ instanceId: id, err: error instanceof Error ? error.message : String(error) }, 'could not store an instance change; trying again');
    }
  }

  private async retryFailedChanges(): Promise<void> {
    for (const id of [...this.failedChanges]) await this.applyChange(id, this.view.get(id));
  }
}
