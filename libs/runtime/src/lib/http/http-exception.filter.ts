import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { Request, Response } from 'express';
import { ErrorBody } from './error-body';

/** Errors raised by Express's body parser carry their own status (413 too large, 400 bad JSON). */
interface BodyParserError {
  readonly status?: number;
  readonly statusCode?: number;
  readonly type?: string;
  readonly expose?: boolean;
}

/**
 * Answers every error as `{"requestId": …, "message": …}`. Client errors say what was wrong;
 * server errors say only that something failed (the details go to the log, not the caller).
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string }>();
    const response = http.getResponse<Response>();
    const { status, message } = describe(exception);
    if (status >= 500) {
      this.logger.error({ err: exception instanceof Error ? exception.stack : String(exception) }, 'request failed');
    }
    const body: ErrorBody = { requestId: String(request.id ?? ''), message };
    response.status(status).json(body);
  }
}

function describe(exception: unknown): { status: number; message: string } {
  if (exception instanceof HttpException) {
    const answer = exception.getResponse();
    const text =
      typeof answer === 'string'
        ? answer
        : Array.isArray((answer as { message?: unknown }).message)
          ? ((answer as { message: string[] }).message).join('; ')
          : String((answer as { message?: unknown }).message ?? exception.message);
    return { status: exception.getStatus(), message: text };
  }
  const parserError = exception as BodyParserError;
  const status = parserError?.status ?? parserError?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500 && parserError.expose !== false) {
    if (parserError.type === 'entity.too.large') return { status, message: 'request body is too large' };
    if (parserError.type === 'entity.parse.failed') return { status, message: 'request body is not valid JSON' };
    return { status, message: (exception as Error).message };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, message: 'internal error' };
}
