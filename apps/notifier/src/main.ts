import 'reflect-metadata';
import { DeliveryModule } from '@connector-events/delivery';
import { bootstrapService } from '@connector-events/runtime';

void bootstrapService({ service: 'notifier', transport: 'kafka', features: [DeliveryModule.register()] });
