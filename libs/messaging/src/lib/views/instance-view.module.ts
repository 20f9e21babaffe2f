import { DynamicModule, Inject, Injectable, Module, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { APP_CONFIG, AppConfig } from '@connector-events/config';
import { SecretBox } from '@connector-events/secrets';
import { MESSAGE_BUS, MessageBus } from '../bus/message-bus';
import { InstanceView } from './instance-view';

@Injectable()
class InstanceViewLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(@Inject(InstanceView) private readonly view: InstanceView) {}

  /** After every module's init (the bus is started): the app listens only once caught up. */
  async onApplicationBootstrap(): Promise<void> {
    await this.view.start();
  }

  async onModuleDestroy(): Promise<void> {
    await this.view.stop();
  }
}

/** Gives a service the {@link InstanceView}, read in full before the service takes traffic. */
@Module({})
export class InstanceViewModule {
  /** `consumer` names the reading service in the consumer group (`<consumer>.instances.<random>`). */
  static forConsumer(consumer: string): DynamicModule {
    return {
      module: InstanceViewModule,
      providers: [
        {
          provide: InstanceView,
          inject: [MESSAGE_BUS, APP_CONFIG],
          useFactory: (bus: MessageBus, config: AppConfig) =>
            new InstanceView(bus, new SecretBox(config.secretsKey), `${consumer}.instances.${randomBytes(6).toString('hex')}`),
        },
        InstanceViewLifecycle,
      ],
      exports: [InstanceView],
    };
  }
}
