import { Module } from '@nestjs/common';
import { PersistenceModule } from '@connector-events/persistence';
import { NOTIFIER_DATABASE } from './notifier.database';

/** notifier: signed delivery to callback URLs, retries, queueing and redelivery. */
@Module({ imports: [PersistenceModule.forService(NOTIFIER_DATABASE)] })
export class DeliveryModule {}
