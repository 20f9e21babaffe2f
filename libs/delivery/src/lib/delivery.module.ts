import { DynamicModule, Inject, Logger, Module, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@connector-events/config';
import { InstanceView, InstanceViewModule, MESSAGE_BUS, MessageBus, Subscription, TOPICS, on } from '@connector-events/messaging';
import { PersistenceModule } from '@connector-events/persistence';
import { NotifierCommandHandler } from './commands/notifier-command.handler';
import { NOTIFIER_DATABASE } from './database/notifier.database';
import { DELIVERY_DEFAULTS, DELIVERY_OPTIONS, DeliveryOptions, PROMETHEUS_REGISTRY } from './delivery-options';
import { DeliveryAttempter } from './delivering/delivery-attempter';
import { DeliveryScheduler } from './delivering/delivery-scheduler';
import { NotificationIntake } from './delivering/notification-intake';
import { CallbackClient } from './http/callback-client';
import { NotifierMetrics } from './metrics/notifier-metrics';
import { DeliveryStore } from './store/delivery-store';
import { PostgresDeliveryStore } from './store/postgres-delivery-store';

export const DELIVERY_STORE = Symbol('DELIVERY_STORE');

/** Everything the notifier runs, built once per process from the configuration. */
class Notifier {
  readonly client: CallbackClient;
  readonly scheduler: DeliveryScheduler;
  readonly intake: NotificationIntake;
  readonly commands: NotifierCommandHandler;

  constructor(view: InstanceView, store: DeliveryStore, bus: MessageBus, metrics: NotifierMetrics, config: AppConfig, options: DeliveryOptions) {
    const settings = config.notifier;
    const owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`.slice(0, 64);
    this.client = new CallbackClient({
      timeoutMs: settings.callbackTimeoutMs,
      allowPrivateNetworks: settings.allowPrivateNetworks,
      connectionsPerOrigin: settings.maxConcurrencyPerHost,
    });
    const attempter = new DeliveryAttempter({
      instances: view,
      store,
      client: this.client,
      bus,
      metrics,
      schedule: { delaysMs: settings.retryDelaysMs, jitter: settings.retryJitter },
      owner,
    });
    this.scheduler = new DeliveryScheduler(
      store,
      (delivery) => attempter.attempt(delivery),
      {
        owner,
        maxConcurrency: settings.maxConcurrency,
        maxConcurrencyPerHost: settings.maxConcurrencyPerHost,
        claimBatch: DELIVERY_DEFAULTS.claimBatch,
        leaseMs: settings.callbackTimeoutMs + DELIVERY_DEFAULTS.leaseMarginMs,
        pollIntervalMs: options.pollIntervalMs ?? DELIVERY_DEFAULTS.pollIntervalMs,
      },
      (count) => metrics.inFlight.set(count),
    );
    const wake = (): void => this.scheduler.wake();
    this.intake = new NotificationIntake({
      instances: view,
      store,
      bus,
      metrics,
      unknownInstanceWaitMs: options.unknownInstanceWaitMs ?? DELIVERY_DEFAULTS.unknownInstanceWaitMs,
      scheduler: this.scheduler,
    });
    this.commands = new NotifierCommandHandler({ instances: view, store, wake });
  }
}

/**
 * notifier: reads notifications, records each as a delivery in its own schema and returns (the
 * partition never waits for a callback); a scheduler makes the signed attempts, retries and
 * queueing; every attempt goes to `oc.deliveries.v1`; redelivery commands arrive on
 * `oc.notifier.commands.v1`. `DeliveryModule.register()` in the apps; tests and benchmarks give
 * their own consumer group and schema. (A dynamic module only: a static one would register the
 * `notifier` data source whenever this library is loaded.)
 */
@Module({})
export class DeliveryModule implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('DeliveryModule');
  private readonly subscriptions: Subscription[] = [];
  private pruneTimer?: NodeJS.Timeout;
  private stopListening?: () => void;

  static register(options: DeliveryOptions = {}): DynamicModule {
    const database = options.schema === undefined ? NOTIFIER_DATABASE : { ...NOTIFIER_DATABASE, schema: options.schema };
    return {
      module: DeliveryModule,
      imports: [PersistenceModule.forService(database), InstanceViewModule.forConsumer('notifier')],
      providers: [
        { provide: DELIVERY_OPTIONS, useValue: options },
        {
          provide: DELIVERY_STORE,
          inject: [getDataSourceToken(NOTIFIER_DATABASE.name)],
          useFactory: (dataSource: DataSource) => new PostgresDeliveryStore(dataSource),
        },
        {
          provide: NotifierMetrics,
          inject: [DELIVERY_STORE, { token: PROMETHEUS_REGISTRY, optional: true }],
          useFactory: (store: DeliveryStore, registry?: Registry) => new NotifierMetrics(registry, () => store.countWaiting()),
        },
        {
          provide: Notifier,
          inject: [InstanceView, DELIVERY_STORE, MESSAGE_BUS, NotifierMetrics, APP_CONFIG, DELIVERY_OPTIONS],
          useFactory: (view: InstanceView, store: DeliveryStore, bus: MessageBus, metrics: NotifierMetrics, config: AppConfig, opts: DeliveryOptions) =>
            new Notifier(view, store, bus, metrics, config, opts),
        },
      ],
      exports: [NotifierMetrics, DELIVERY_STORE],
    };
  }

  constructor(
    private readonly notifier: Notifier,
    @Inject(InstanceView) private readonly view: InstanceView,
    @Inject(DELIVERY_STORE) private readonly store: DeliveryStore,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(DELIVERY_OPTIONS) private readonly options: DeliveryOptions = {},
  ) {}

  /** Before the view reads `oc.instances.v1` (at bootstrap), so every change passes the listener. */
  onModuleInit(): void {
    this.stopListening = this.view.onChange((id, record) => this.notifier.intake.noteChange(id, record));
  }

  /** After the view caught up: deliveries left by a crash or a restart are picked up at once. */
  async onApplicationBootstrap(): Promise<void> {
    this.notifier.scheduler.start();
    const group = this.options.groupId ?? this.config.notifier.consumerGroup;
    this.subscriptions.push(
      await this.bus.subscribe({
        groupId: group,
        // A first deployment must not skip notifications published before it started.
        fromBeginning: true,
        handlers: [on(TOPICS.notifications, (message) => this.notifier.intake.handle(message))],
      }),
      await this.bus.subscribe({
        groupId: `${group}.commands`,
        // Commands are requests of the moment: a new group must not replay old redeliveries.
        fromBeginning: false,
        handlers: [on(TOPICS.notifierCommands, (message) => this.notifier.commands.handle(message))],
      }),
    );
    this.pruneTimer = setInterval(() => this.prune(), DELIVERY_DEFAULTS.pruneEveryMs);
    this.pruneTimer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.pruneTimer);
    this.stopListening?.();
    await Promise.all(this.subscriptions.splice(0).map((subscription) => subscription.stop()));
    await this.notifier.scheduler.stop();
    await this.notifier.client.close();
  }

  private prune(): void {
    this.store.prune(new Date(Date.now() - DELIVERY_DEFAULTS.retentionMs)).then(
      (removed) => {
        if (removed > 0) this.logger.log({ removed }, 'pruned finished deliveries');
      },
      (error: unknown) => this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not prune finished deliveries'),
    );
  }
}
