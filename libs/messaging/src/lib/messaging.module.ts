import { DynamicModule, Inject, Logger, Module, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@connector-events/config';
import { MESSAGE_BUS, MessageBus } from './bus/message-bus';
import { ALL_TOPICS } from './contracts/topics';
import { InProcessMessageBus } from './in-process/in-process-message-bus';
import { KafkaMessageBus } from './kafka/kafka-message-bus';

export type MessagingTransport = 'kafka' | 'in-process';

/** Starts the bus before any feature subscribes, and closes it last. */
class MessageBusLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async onModuleInit(): Promise<void> {
    await this.bus.start(ALL_TOPICS);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

/** A consumer kafkajs gave up on leaves the process a zombie; exit so the supervisor restarts it. */
function exitOnFatal(error: Error): void {
  new Logger('MessagingModule').error({ err: error.message }, 'Kafka consumer crashed for good; exiting');
  process.exit(1);
}

@Module({})
export class MessagingModule {
  /** Provides the process's {@link MessageBus} to every module (global). */
  static forRoot(transport: MessagingTransport): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      providers: [
        {
          provide: MESSAGE_BUS,
          inject: [APP_CONFIG],
          useFactory: (config: AppConfig): MessageBus =>
            transport === 'kafka'
              ? new KafkaMessageBus({
                  brokers: config.kafka.brokers,
                  clientId: config.kafka.clientId,
                  topicPartitions: config.kafka.topicPartitions,
                  maxMessageBytes: config.kafka.maxMessageBytes,
                  sessionTimeoutMs: config.kafka.sessionTimeoutMs,
                  onFatal: exitOnFatal,
                })
              : new InProcessMessageBus({ topicPartitions: config.kafka.topicPartitions }),
        },
        MessageBusLifecycle,
      ],
      exports: [MESSAGE_BUS],
    };
  }
}
