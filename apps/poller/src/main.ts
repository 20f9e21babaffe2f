import 'reflect-metadata';
import { PollingModule } from '@connector-events/polling';
import { bootstrapService } from '@connector-events/runtime';

void bootstrapService({ service: 'poller', transport: 'kafka', features: [PollingModule] });
