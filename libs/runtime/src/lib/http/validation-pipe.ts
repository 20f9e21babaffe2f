import { BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';

/** class-validator on every body, query and parameter; unknown fields are refused, not ignored. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors: ValidationError[]) => new BadRequestException(flatten(errors).join('; ')),
  });
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => [
    ...Object.values(error.constraints ?? {}).map((text) => (prefix ? `${prefix}${text}` : text)),
    ...flatten(error.children ?? [], `${prefix}${error.property}.`),
  ]);
}
