import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { Response } from 'express';
import { RequestWithRawBody } from './body-parsing';
import { ErrorBody } from './error-body';

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
    const request = http.getRequest<RequestWithRawBody>();
    const response = http.getResponse<Response>();
    const { status, message } = describe(exception);
    if (status >= 500) {
      this.logger.error({ err: exception instanceof Error ? exception.stack : String(exception) }, 'request failed');
    }
    const body: ErrorBody = { requestId: request.id ?? '', message };
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
          ? (answer as { message: string[] }).message.join('; ')
          : String((answer as { message?: unknown }).message ?? exception.message);
    return { status: exception.getStatus(), message: text };
  }
  return { status: HttpStatus.INTERNAL_SERVER_ERROR, message: 'internal error' };
}
