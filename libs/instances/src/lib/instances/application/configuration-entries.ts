import { createHash } from 'node:crypto';

/**
 * Open Connectors addresses one configuration value as `/configuration/{configurationId}`
 * with a numeric id. Ours is derived from the key (stable, no table needed): the first 48 bits
 * of its SHA-256. The key itself is accepted in the path too.
 */
export function configurationEntryId(key: string): number {
  return parseInt(createHash('sha256').update(key, 'utf8').digest('hex').slice(0, 12), 16);
}

export interface ConfigurationEntry {
  readonly id: number;
  readonly key: string;
  readonly name: string;
  readonly propertyValue: string;
}

export function configurationEntries(values: Readonly<Record<string, string>>): ConfigurationEntry[] {
  return Object.keys(values)
    .sort()
    .map((key) => ({ id: configurationEntryId(key), key, name: key, propertyValue: values[key] ?? '' }));
}

/** The key an entry id (or the key itself) stands for, among the keys the instance has. */
export function keyOfEntry(entry: string, keys: readonly string[]): string | undefined {
  if (keys.includes(entry)) return entry;
  if (!/^\d{1,16}$/.test(entry)) return undefined;
  const id = Number(entry);
  return keys.find((key) => configurationEntryId(key) === id);
}
