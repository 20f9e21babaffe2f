import { BadRequestException, PayloadTooLargeException } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import express, { NextFunction, Request, Response } from 'express';
import { assignRequestId } from './request-id';

/** Providers' batches can be large; anything bigger is refused with 413 before it is read. */
export const DEFAULT_BODY_LIMIT_BYTES = 5 * 1024 * 1024;

/** The exact bytes received, kept for provider signature checks (HMAC over the raw body). */
export type RequestWithRawBody = Request & { id?: string; rawBody?: Buffer };

/**
 * The front door of every HTTP request, in order: a request id (so even a body that fails
 * to parse gets one in its error), JSON and form bodies within the size limit with their raw
 * bytes kept, and clear 400/413 answers for unreadable or oversized bodies.
 */
export function installBodyParsing(app: NestExpressApplication, limitBytes = DEFAULT_BODY_LIMIT_BYTES): void {
  const keepRawBody = (req: RequestWithRawBody, _res: unknown, buffer: Buffer): void => {
    req.rawBody = buffer;
  };
  app.use((req: RequestWithRawBody, res: Response, next: NextFunction) => {
    req.id = assignRequestId(req, res);
    next();
  });
  app.use(express.json({ limit: limitBytes, verify: keepRawBody }));
  app.use(express.urlencoded({ extended: false, limit: limitBytes, verify: keepRawBody }));
  app.use((error: { type?: string }, _req: Request, _res: Response, next: NextFunction) => {
    if (error.type === 'entity.parse.failed') return next(new BadRequestException('request body is not valid JSON'));
    if (error.type === 'entity.too.large') return next(new PayloadTooLargeException('request body is too large'));
    return next(error);
  });
}
