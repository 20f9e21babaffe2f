import { MAX_CONFIGURATION_ENTRIES, MAX_CONFIGURATION_VALUE_LENGTH } from './configuration-keys';

export type ConfigurationInput = Record<string, unknown>;

/**
 * Open Connectors stores every configuration value as a string, but clients send booleans,
 * numbers and (for `event.poller.configuration`) objects. They are normalized here once:
 * booleans and numbers as text, objects as JSON, `null` meaning "remove".
 * Returns the values, or the problems that name each bad key.
 */
export function normalizeConfigurationValues(
  input: ConfigurationInput,
): { ok: true; values: Record<string, string | null> } | { ok: false; problems: string[] } {
  const entries = Object.entries(input);
  if (entries.length > MAX_CONFIGURATION_ENTRIES) {
    return { ok: false, problems: [`configuration has ${entries.length} entries; at most ${MAX_CONFIGURATION_ENTRIES} are allowed`] };
  }
  const values: Record<string, string | null> = {};
  const problems: string[] = [];
  for (const [key, value] of entries) {
    if (!/^[A-Za-z0-9_.-]{1,255}$/.test(key)) {
      problems.push(`configuration key "${key.slice(0, 60)}" must be 1-255 letters, digits, dots, dashes or underscores`);
      continue;
    }
    const text = asText(value);
    if (text === undefined) {
      problems.push(`configuration.${key} must be a string, number, boolean, object or null`);
    } else if (text !== null && text.length > MAX_CONFIGURATION_VALUE_LENGTH) {
      problems.push(`configuration.${key} is longer than ${MAX_CONFIGURATION_VALUE_LENGTH} characters`);
    } else {
      values[key] = text;
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, values };
}

function asText(value: unknown): string | null | undefined {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'object') return JSON.stringify(value);
  return undefined;
}

/** Open Connectors writes booleans as text, often "true"; anything else is false. */
export function isTrue(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}
