import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_CONFIG, AppConfig, PROMETHEUS_REGISTRY } from '@connector-events/config';
import { MessagingModule } from '@connector-events/messaging';
import { PersistenceModule } from '@connector-events/persistence';
import { HealthController } from './health/health.controller';
import { LoggingModule } from './logging/logging.module';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { MetricsController } from './metrics/metrics.controller';
import { MetricsRegistry } from './metrics/metrics-registry';
import { ServiceDefinition } from './service-definition';

/** The root of every process: config, logging, metrics, health, bus and database, then features. */
@Module({})
export class ServiceRootModule implements NestModule {
  static register(config: AppConfig, definition: ServiceDefinition): DynamicModule {
    return {
      module: ServiceRootModule,
      global: true,
      imports: [
        LoggingModule,
        MessagingModule.forRoot(definition.transport),
        PersistenceModule.forRoot({ pgDriver: definition.pgDriver }),
        ...definition.features,
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: MetricsRegistry, useValue: new MetricsRegistry(config.service) },
        { provide: PROMETHEUS_REGISTRY, inject: [MetricsRegistry], useFactory: (metrics: MetricsRegistry) => metrics.registry },
      ],
      exports: [APP_CONFIG, MetricsRegistry, PROMETHEUS_REGISTRY],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
