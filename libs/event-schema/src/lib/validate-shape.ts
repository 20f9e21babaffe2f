import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';

export type ShapeCheck<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/**
 * Turns untrusted plain JSON into an instance of `type` and validates it, nested objects
 * included. Problems read like `message.events.0.eventType must be one of …`.
 */
export function validateShape<T extends object>(type: ClassConstructor<T>, plain: unknown): ShapeCheck<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, problems: [`expected a JSON object, got ${describe(plain)}`] };
  }
  const value = plainToInstance(type, plain);
  const errors = validateSync(value, { forbidUnknownValues: true, validationError: { target: false } });
  return errors.length === 0 ? { ok: true, value } : { ok: false, problems: flatten(errors) };
}

function flatten(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const at = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((text) =>
      text.startsWith(error.property) ? `${prefix}${text}` : `${at}: ${text}`,
    );
    return [...own, ...flatten(error.children ?? [], `${at}.`)];
  });
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : typeof value;
}
