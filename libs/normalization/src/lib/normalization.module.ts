import { Module } from '@nestjs/common';
import { PersistenceModule } from '@connector-events/persistence';
import { NORMALIZER_DATABASE } from './normalizer.database';

/** normalizer: raw events to paged Open Connectors notifications and event objects. */
@Module({ imports: [PersistenceModule.forService(NORMALIZER_DATABASE)] })
export class NormalizationModule {}
