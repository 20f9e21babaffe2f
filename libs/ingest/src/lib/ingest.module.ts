import { DynamicModule, Module } from '@nestjs/common';
import { Registry } from 'prom-client';
import { APP_CONFIG, AppConfig, PROMETHEUS_REGISTRY } from '@connector-events/config';
import { ConnectorRegistry, createConnectorRegistry } from '@connector-events/connectors';
import { InstanceView, InstanceViewModule, MESSAGE_BUS, MessageBus } from '@connector-events/messaging';
import { WebhookEventsController } from './http/webhook-events.controller';
import { DEFAULT_PUBLISH_TIMEOUT_MS, INGEST_OPTIONS, IngestOptions } from './ingest-options';
import { IngestMetrics } from './metrics/ingest-metrics';
import { WebhookIngestService } from './pipeline/webhook-ingest.service';
import { RawEventPublisher } from './publishing/raw-event-publisher';
import { WebhookInstanceDirectory } from './routing/webhook-instance-directory';

const OPTIONAL_OPTIONS = { token: INGEST_OPTIONS, optional: true };

/**
 * webhook-ingest: verifies provider webhooks against the instances folded from
 * `oc.instances.v1` and forwards them to `oc.events.raw.v1`; owns nothing durable.
 */
@Module({
  imports: [InstanceViewModule.forConsumer('webhook-ingest')],
  controllers: [WebhookEventsController],
  providers: [
    {
      provide: ConnectorRegistry,
      inject: [APP_CONFIG, OPTIONAL_OPTIONS],
      useFactory: (config: AppConfig, options?: IngestOptions) => options?.connectors ?? createConnectorRegistry(config),
    },
    {
      provide: WebhookInstanceDirectory,
      inject: [InstanceView, ConnectorRegistry],
      useFactory: (view: InstanceView, connectors: ConnectorRegistry) => new WebhookInstanceDirectory(view, connectors),
    },
    {
      provide: RawEventPublisher,
      inject: [MESSAGE_BUS, OPTIONAL_OPTIONS],
      useFactory: (bus: MessageBus, options?: IngestOptions) =>
        new RawEventPublisher(bus, options?.publishTimeoutMs ?? DEFAULT_PUBLISH_TIMEOUT_MS),
    },
    {
      provide: IngestMetrics,
      // The process's registry (served at /metrics); a private one when the module runs alone.
      inject: [{ token: PROMETHEUS_REGISTRY, optional: true }],
      useFactory: (registry?: Registry) => new IngestMetrics(registry ?? new Registry()),
    },
    {
      provide: WebhookIngestService,
      inject: [ConnectorRegistry, WebhookInstanceDirectory, RawEventPublisher, OPTIONAL_OPTIONS],
      useFactory: (
        connectors: ConnectorRegistry,
        directory: WebhookInstanceDirectory,
        publisher: RawEventPublisher,
        options?: IngestOptions,
      ) => new WebhookIngestService(connectors, directory, publisher, options?.clock ?? (() => new Date())),
    },
  ],
})
export class IngestModule {
  /** The same module with other connectors, publish timeout or clock (tests, benchmarks). */
  static withOptions(options: IngestOptions): DynamicModule {
    return { module: IngestModule, providers: [{ provide: INGEST_OPTIONS, useValue: options }] };
  }
}
