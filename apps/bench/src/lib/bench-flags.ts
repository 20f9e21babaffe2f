/** One `--name <value>` (or `--name=<value>`) flag of a benchmark: a whole number with a default. */
export interface NumberFlag {
  readonly name: string;
  readonly defaultValue: number;
  readonly min: number;
  readonly description: string;
}

export class BenchFlagsError extends Error {}

/**
 * Reads whole-number flags; unknown flags and bad values are errors that say what is allowed,
 * since a typo silently ignored would measure something else than asked.
 */
export function parseNumberFlags<K extends string>(argv: readonly string[], flags: Readonly<Record<K, NumberFlag>>): Record<K, number> {
  const byName = new Map<string, K>(Object.entries<NumberFlag>(flags).map(([key, flag]) => [flag.name, key as K]));
  const values = Object.fromEntries(Object.entries<NumberFlag>(flags).map(([key, flag]) => [key, flag.defaultValue])) as Record<K, number>;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const key = match ? byName.get(match[1] ?? '') : undefined;
    if (!match || key === undefined) throw new BenchFlagsError(`unknown argument "${arg}"\n${usage(flags)}`);
    const text = match[2] ?? argv[++i];
    const flag = flags[key];
    const value = text !== undefined && /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(value) || value < flag.min) {
      throw new BenchFlagsError(`--${flag.name} needs a whole number of at least ${flag.min}, got "${text ?? ''}"\n${usage(flags)}`);
    }
    values[key] = value;
  }
  return values;
}

export function usage(flags: Readonly<Record<string, NumberFlag>>): string {
  return Object.values(flags)
    .map((flag) => `  --${flag.name.padEnd(12)} ${flag.description} (default ${flag.defaultValue})`)
    .join('\n');
}
