import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppConfig } from '@connector-events/config';
import { installBodyParsing } from './http/body-parsing';
import { HttpExceptionFilter } from './http/http-exception.filter';
import { createValidationPipe } from './http/validation-pipe';
import { ServiceDefinition } from './service-definition';
import { ServiceRootModule } from './service-root.module';

/** Builds (but does not start listening) the Nest application of one service; tests use it too. */
export async function createServiceApp(config: AppConfig, definition: ServiceDefinition): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ServiceRootModule.register(config, definition), {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: false,
  });
  installBodyParsing(app);
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalPipes(createValidationPipe());
  app.disable('x-powered-by');
  definition.configureApp?.(app);
  return app;
}
