import { ClassConstructor } from 'class-transformer';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { IS_ISO8601 } from 'class-validator';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';

type JsonSchema = Record<string, unknown>;

let cache: Record<string, JsonSchema> | undefined;

/**
 * The JSON Schema (draft 2020-12 subset) of a class-validator class, derived from the same
 * decorators that validate it at run time, so the two can never drift apart.
 */
export function jsonSchemaOf(type: ClassConstructor<object>): JsonSchema {
  cache ??= validationMetadatasToSchemas({
    classTransformerMetadataStorage: defaultMetadataStorage,
    refPointerPrefix: '#/$defs/',
    // The library's default for IsISO8601 is oneOf(date, date-time), which a validator without
    // format support (or one where both match) rejects; our timestamps are always date-times.
    additionalConverters: { [IS_ISO8601]: { type: 'string', format: 'date-time' } },
  }) as Record<string, JsonSchema>;
  const schema = cache[type.name];
  if (!schema) throw new Error(`No validation metadata for ${type.name}`);
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', title: type.name, ...schema, $defs: cache };
}
