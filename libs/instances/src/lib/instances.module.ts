import { Inject, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@connector-events/config';
import { ConnectorRegistry, createConnectorRegistry } from '@connector-events/connectors';
import { MESSAGE_BUS, MessageBus, Subscription, TOPICS, on } from '@connector-events/messaging';
import { PersistenceModule } from '@connector-events/persistence';
import { SecretBox } from '@connector-events/secrets';
import { AccountsBootstrapService } from './accounts/accounts-bootstrap.service';
import { INSTANCE_SERVICE_DATABASE } from './database/instance-service.database';
import { EventLogController } from './http/event-log.controller';
import { InstancesController } from './http/instances.controller';
import { NotificationsController } from './http/notifications.controller';
import { QueuedDeliveriesService } from './notifications/queued-deliveries.service';
import { EventLogProjector } from './event-log/event-log-projector';
import { EventLogService } from './event-log/event-log.service';
import { OrganizationAuthGuard } from './http/organization-auth.guard';
import { InstancesService } from './instances/application/instances.service';
import { RefreshedTokensHandler } from './instances/application/refreshed-tokens.handler';
import { InstanceEventStore } from './instances/store/instance-event-store';
import { InstanceOutbox } from './instances/store/instance-outbox';
import { InstanceOutboxRelay } from './instances/store/instance-outbox-relay';
import { InstanceProjection } from './instances/store/instance-projection';

const dataSourceToken = getDataSourceToken(INSTANCE_SERVICE_DATABASE.name);

/** instance-service: accounts, the event-sourced instances API and its outbox to `oc.instances.v1`. */
@Module({
  imports: [PersistenceModule.forService(INSTANCE_SERVICE_DATABASE)],
  // The event log first: its /instances/events routes must win over /instances/:id.
  controllers: [EventLogController, NotificationsController, InstancesController],
  providers: [
    AccountsBootstrapService,
    OrganizationAuthGuard,
    {
      provide: SecretBox,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => new SecretBox(config.secretsKey),
    },
    {
      provide: ConnectorRegistry,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createConnectorRegistry(config),
    },
    {
      provide: InstanceOutboxRelay,
      inject: [dataSourceToken, MESSAGE_BUS, APP_CONFIG],
      useFactory: (dataSource: DataSource, bus: MessageBus, config: AppConfig) =>
        new InstanceOutboxRelay(dataSource, bus, { sharedConnection: config.service === 'embedded' }),
    },
    {
      provide: EventLogService,
      inject: [dataSourceToken],
      useFactory: (dataSource: DataSource) => new EventLogService(dataSource),
    },
    {
      provide: RefreshedTokensHandler,
      inject: [InstancesService, SecretBox],
      useFactory: (instances: InstancesService, secretBox: SecretBox) => new RefreshedTokensHandler(instances, secretBox),
    },
    {
      provide: QueuedDeliveriesService,
      inject: [dataSourceToken],
      useFactory: (dataSource: DataSource) => new QueuedDeliveriesService(dataSource),
    },
    {
      provide: EventLogProjector,
      inject: [dataSourceToken],
      useFactory: (dataSource: DataSource) => new EventLogProjector(dataSource),
    },
    {
      provide: InstancesService,
      inject: [dataSourceToken, ConnectorRegistry, SecretBox, InstanceOutboxRelay],
      useFactory: (dataSource: DataSource, connectors: ConnectorRegistry, secretBox: SecretBox, relay: InstanceOutboxRelay) =>
        new InstancesService(
          dataSource,
          connectors,
          new InstanceEventStore(secretBox),
          new InstanceProjection(secretBox),
          new InstanceOutbox(secretBox),
          () => relay.kick(),
        ),
    },
  ],
  exports: [InstancesService],
})
export class InstancesModule implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly subscriptions: Subscription[] = [];

  constructor(
    private readonly relay: InstanceOutboxRelay,
    private readonly projector: EventLogProjector,
    private readonly refreshedTokens: RefreshedTokensHandler,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
  ) {}

  /** After the bus and the database are up: the relay first publishes what a crash left. */
  async onApplicationBootstrap(): Promise<void> {
    this.relay.start();
    this.subscriptions.push(
      await this.bus.subscribe({
        groupId: 'instance-service.event-log',
        fromBeginning: true,
        handlers: [
          on(TOPICS.notifications, (message) => this.projector.onNotification(message)),
          on(TOPICS.deliveries, (message) => this.projector.onDelivery(message)),
        ],
      }),
      await this.bus.subscribe({
        groupId: 'instance-service.tokens',
        fromBeginning: true,
        handlers: [on(TOPICS.instanceTokens, (message) => this.refreshedTokens.handle(message))],
      }),
    );
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all(this.subscriptions.splice(0).map((subscription) => subscription.stop()));
    await this.relay.stop();
  }
}
