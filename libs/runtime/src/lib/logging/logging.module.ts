import { IncomingMessage, ServerResponse } from 'node:http';
import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, AppConfig } from '@connector-events/config';
import { assignRequestId } from '../http/request-id';
import { REDACTED_PATHS } from './redacted-paths';

const QUIET_PATHS = /^\/(health\/|metrics$)/;

/** pino for every log line, with one child logger per request carrying its request id. */
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          name: config.service,
          // installBodyParsing gave the request its id before any parsing; reuse it.
          genReqId: (req: IncomingMessage, res: ServerResponse) =>
            (req as IncomingMessage & { id?: string }).id ?? assignRequestId(req, res),
          redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
          autoLogging: { ignore: (req: IncomingMessage) => QUIET_PATHS.test(req.url ?? '') },
          serializers: {
            req: (req: { id: string; method: string; url: string }) => ({
              id: req.id,
              method: req.method,
              path: req.url.split('?')[0],
            }),
            res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
          },
        },
      }),
    }),
  ],
})
export class LoggingModule {}
