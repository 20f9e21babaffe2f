import { Module } from '@nestjs/common';
import { PersistenceModule } from '@connector-events/persistence';
import { AccountsBootstrapService } from './accounts/accounts-bootstrap.service';
import { INSTANCE_SERVICE_DATABASE } from './database/instance-service.database';

/** instance-service: organizations, users and (next) the event-sourced instances API. */
@Module({
  imports: [PersistenceModule.forService(INSTANCE_SERVICE_DATABASE)],
  providers: [AccountsBootstrapService],
})
export class InstancesModule {}
