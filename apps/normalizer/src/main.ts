import 'reflect-metadata';
import { NormalizationModule } from '@connector-events/normalization';
import { bootstrapService } from '@connector-events/runtime';

void bootstrapService({ service: 'normalizer', transport: 'kafka', features: [NormalizationModule] });
