import 'reflect-metadata';
import { InstancesModule, installApiDocs } from '@connector-events/instances';
import { bootstrapService } from '@connector-events/runtime';

void bootstrapService({
  service: 'instance-service',
  transport: 'kafka',
  features: [InstancesModule],
  configureApp: installApiDocs,
});
