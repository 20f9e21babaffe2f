import 'reflect-metadata';
import { IngestModule } from '@connector-events/ingest';
import { bootstrapService } from '@connector-events/runtime';

void bootstrapService({ service: 'webhook-ingest', transport: 'kafka', features: [IngestModule] });
