import {
  BadRequestException,
  HttpException,
  PayloadTooLargeException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import express, { NextFunction, Request, RequestHandler, Response } from 'express';
import { API_BASE_PATH, APP_CONFIG, AppConfig } from '@connector-events/config';
import { assignRequestId } from './request-id';

/** Providers' batches can be large; anything bigger is refused with 413 before it is read. */
export const DEFAULT_BODY_LIMIT_BYTES = 5 * 1024 * 1024;

/** The exact bytes received, kept for provider signature checks (HMAC over the raw body). */
export type RequestWithRawBody = Request & { id?: string; rawBody?: Buffer };

/** Provider webhooks arrive under this prefix (`/elements/api-v2/events/{elementKey}[/…]`). */
const WEBHOOK_PATH_PREFIX = `/${API_BASE_PATH}/events/`.toLowerCase();

/**
 * The front door of every HTTP request, in order: a request id (so even a body that fails
 * to parse gets one in its error), then the body within its size limit with its raw bytes
 * kept, and clear 400/413/415 answers for unreadable or oversized bodies.
 *
 * API routes parse JSON and form bodies. Provider webhook routes only read the raw bytes,
 * whatever the content type (Graph validates with an empty text/plain POST, some providers
 * send JSON as text/plain): the webhook controller answers handshakes before any parsing and
 * parses the body itself, and their limit is `WEBHOOK_MAX_BODY_BYTES`.
 */
export function installBodyParsing(app: NestExpressApplication, limitBytes = DEFAULT_BODY_LIMIT_BYTES): void {
  const keepRawBody = (req: RequestWithRawBody, _res: unknown, buffer: Buffer): void => {
    req.rawBody = buffer;
  };
  const webhookLimitBytes = webhookLimitOf(app);
  const webhookBody = express.raw({ type: () => true, limit: webhookLimitBytes, verify: keepRawBody });
  const apiBody = [
    express.json({ limit: limitBytes, verify: keepRawBody }),
    express.urlencoded({ extended: false, limit: limitBytes, verify: keepRawBody }),
  ];
  app.use((req: RequestWithRawBody, res: Response, next: NextFunction) => {
    req.id = assignRequestId(req, res);
    next();
  });
  app.use(onlyFor(isWebhookPath, [webhookBody]));
  app.use(onlyFor((path) => !isWebhookPath(path), apiBody));
  app.use((error: { type?: string; status?: unknown }, _req: Request, _res: Response, next: NextFunction) => {
    if (error.type === 'entity.parse.failed') return next(new BadRequestException('request body is not valid JSON'));
    if (error.type === 'entity.too.large') return next(new PayloadTooLargeException('request body is too large'));
    if (error.type === 'encoding.unsupported') {
      return next(new UnsupportedMediaTypeException('request body has an unsupported Content-Encoding'));
    }
    if (error.type === 'request.size.invalid' || error.type === 'request.aborted') {
      return next(new BadRequestException('request body was not received whole'));
    }
    // Any other refusal of the body parsers (a gzip body that does not inflate) is the caller's.
    if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
      return next(new HttpException('request body could not be read', error.status));
    }
    return next(error);
  });
}

/** Express matches routes case-insensitively, so the prefix test does too. */
function isWebhookPath(path: string): boolean {
  return path.toLowerCase().startsWith(WEBHOOK_PATH_PREFIX);
}

/** Runs `handlers` one after another for matching paths; other requests pass untouched. */
function onlyFor(matches: (path: string) => boolean, handlers: readonly RequestHandler[]): RequestHandler {
  return (req, res, next) => {
    if (!matches(req.path)) return next();
    const run = (index: number, error?: unknown): void => {
      const handler = handlers[index];
      if (error !== undefined || handler === undefined) return next(error);
      void handler(req, res, (failure?: unknown) => run(index + 1, failure));
    };
    run(0);
  };
}

/** `WEBHOOK_MAX_BODY_BYTES`, from the configuration every service app is built with. */
function webhookLimitOf(app: NestExpressApplication): number {
  return app.get<AppConfig>(APP_CONFIG, { strict: false }).webhookMaxBodyBytes;
}
