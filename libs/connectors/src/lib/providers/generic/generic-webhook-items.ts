import { connectorErrors } from '../../core/connector-errors';
import { isRecord, readPath } from '../../webhooks/webhook-json';

/** More items than any provider batches into one call; a bigger body is refused, not half-read. */
export const MAX_ITEMS_PER_CALL = 1000;

/**
 * The items at `itemsPath` in a body: an array of objects, or one object standing for itself.
 * `''` or no path means the body itself. Entries that are not objects are skipped.
 */
export function webhookItems(body: unknown, itemsPath: string | undefined, definitionField: string): Record<string, unknown>[] {
  const value = itemsPath ? readPath(body, itemsPath) : body;
  const list = Array.isArray(value) ? value : isRecord(value) ? [value] : undefined;
  if (!list) {
    throw connectorErrors.payloadInvalid(
      itemsPath
        ? `the body has no array or object at "${itemsPath}" (${definitionField})`
        : `the body must be a JSON array or object (${definitionField} is the body itself)`,
    );
  }
  if (list.length > MAX_ITEMS_PER_CALL) {
    throw connectorErrors.payloadInvalid(`the body holds more than ${MAX_ITEMS_PER_CALL} items at "${itemsPath ?? ''}"`);
  }
  return list.filter(isRecord);
}

/** `''` and absent both mean the body itself. */
export function samePath(a: string | undefined, b: string | undefined): boolean {
  return (a ?? '') === (b ?? '');
}
