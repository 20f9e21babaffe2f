/** What `npm run demo -- …` accepts. */
export interface DemoFlags {
  /** One change per connector, wait for the five notifications, print the summary and exit. */
  readonly once: boolean;
  /** Give up (exit 1) after this many seconds; 0 runs until Ctrl-C. */
  readonly timeoutSeconds: number;
  /** Seconds between two provider changes in the continuous mode. */
  readonly everySeconds: number;
}

export const DEMO_USAGE = [
  'usage: npm run demo [-- --once] [-- --timeout <seconds>] [-- --every <seconds>]',
  '  --once            one change per connector; exit 0 when all five notifications arrived',
  '  --timeout <s>     exit 1 if not done within this many seconds (default 120 with --once, else none)',
  '  --every <s>       seconds between provider changes while running (default 2)',
].join('\n');

export class DemoFlagsError extends Error {}

export function parseDemoFlags(argv: readonly string[]): DemoFlags {
  let once = false;
  let timeoutSeconds: number | undefined;
  let everySeconds = 2;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const match = /^--([a-z]+)(?:=(.*))?$/.exec(arg);
    const name = match?.[1];
    if (name === 'once' && match?.[2] === undefined) {
      once = true;
      continue;
    }
    if (name === 'help') throw new DemoFlagsError(DEMO_USAGE);
    if (name === 'timeout' || name === 'every') {
      const text = match?.[2] ?? argv[++i];
      const value = text !== undefined && /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
      if (!Number.isFinite(value) || value <= 0 || value > 86_400) throw new DemoFlagsError(`--${name} needs a number of seconds above 0, got "${text ?? ''}"\n${DEMO_USAGE}`);
      if (name === 'timeout') timeoutSeconds = value;
      else everySeconds = value;
      continue;
    }
    throw new DemoFlagsError(`unknown argument "${arg}"\n${DEMO_USAGE}`);
  }
  return { once, timeoutSeconds: timeoutSeconds ?? (once ? 120 : 0), everySeconds };
}
