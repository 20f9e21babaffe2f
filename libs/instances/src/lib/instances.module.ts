import { Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, AppConfig } from '@connector-events/config';
import { BUILT_IN_CONNECTORS, ConnectorRegistry } from '@connector-events/connectors';
import { MESSAGE_BUS, MessageBus } from '@connector-events/messaging';
import { PersistenceModule } from '@connector-events/persistence';
import { SecretBox } from '@connector-events/secrets';
import { AccountsBootstrapService } from './accounts/accounts-bootstrap.service';
import { INSTANCE_SERVICE_DATABASE } from './database/instance-service.database';
import { InstancesController } from './http/instances.controller';
import { OrganizationAuthGuard } from './http/organization-auth.guard';
import { InstancesService } from './instances/application/instances.service';
import { InstanceEventStore } from './instances/store/instance-event-store';
import { InstanceOutbox } from './instances/store/instance-outbox';
import { InstanceOutboxRelay } from './instances/store/instance-outbox-relay';
import { InstanceProjection } from './instances/store/instance-projection';

const dataSourceToken = getDataSourceToken(INSTANCE_SERVICE_DATABASE.name);

/** instance-service: accounts, the event-sourced instances API and its outbox to `oc.instances.v1`. */
@Module({
  imports: [PersistenceModule.forService(INSTANCE_SERVICE_DATABASE)],
  controllers: [InstancesController],
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
      useFactory: (config: AppConfig) =>
        new ConnectorRegistry({ modules: BUILT_IN_CONNECTORS, providerBaseUrls: config.providerBaseUrls }),
    },
    {
      provide: InstanceOutboxRelay,
      inject: [dataSourceToken, MESSAGE_BUS],
      useFactory: (dataSource: DataSource, bus: MessageBus) => new InstanceOutboxRelay(dataSource, bus),
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
  constructor(private readonly relay: InstanceOutboxRelay) {}

  /** The relay starts after the bus and the database are up, and first publishes what a crash left. */
  onApplicationBootstrap(): void {
    this.relay.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.relay.stop();
  }
}
