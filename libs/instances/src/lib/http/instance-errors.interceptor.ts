import {
  BadRequestException,
  CallHandler,
  ConflictException,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
  NotFoundException,
} from '@nestjs/common';
import { isConnectorError } from '@connector-events/connectors';
import { Observable, catchError, throwError } from 'rxjs';
import { InstanceNotFoundError, InstanceValidationError } from '../instances/application/instance-errors';
import { ConcurrentInstanceChangeError } from '../instances/store/instance-event-store';

/** Turns domain errors into the HTTP answers of the contract; anything else stays a 500. */
@Injectable()
export class InstanceErrorsInterceptor implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(catchError((error: unknown) => throwError(() => toHttp(error))));
  }
}

export function toHttp(error: unknown): unknown {
  if (error instanceof InstanceNotFoundError) return new NotFoundException(error.message);
  if (error instanceof InstanceValidationError) return new BadRequestException(error.message);
  if (error instanceof ConcurrentInstanceChangeError) return new ConflictException(error.message);
  if (isConnectorError(error)) {
    // A provider failure is ours to report as 502; the caller's own mistakes keep their 4xx.
    return new HttpException(error.message, error.status);
  }
  return error;
}
