import { Module } from '@nestjs/common';
import { PersistenceModule } from '@connector-events/persistence';
import { POLLER_DATABASE } from './poller.database';

/** poller: poll schedules, watermarks and provider webhook subscriptions. */
@Module({ imports: [PersistenceModule.forService(POLLER_DATABASE)] })
export class PollingModule {}
