import 'reflect-metadata';
import { Demo } from './lib/demo';
import { DemoFlagsError, parseDemoFlags } from './lib/demo-flags';

/** `npm run demo`: see the whole system work in a minute, with no Kafka or PostgreSQL server. */
async function main(): Promise<number> {
  let flags;
  try {
    flags = parseDemoFlags(process.argv.slice(2));
  } catch (error) {
    if (error instanceof DemoFlagsError) {
      process.stderr.write(`${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const demo = new Demo(flags, (line) => process.stdout.write(`${line}\n`));
  let signals = 0;
  const onSignal = (): void => {
    // The first Ctrl-C stops cleanly; a second one does not wait.
    if (++signals > 1) process.exit(130);
    demo.requestStop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return demo.run();
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
