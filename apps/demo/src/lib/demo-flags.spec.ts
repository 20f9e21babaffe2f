import { DemoFlagsError, parseDemoFlags } from './demo-flags';

describe('demo flags', () => {
  it('runs until Ctrl-C by default, and --once defaults to a 120 s timeout', () => {
    expect(parseDemoFlags([])).toEqual({ once: false, timeoutSeconds: 0, everySeconds: 2 });
    expect(parseDemoFlags(['--once'])).toEqual({ once: true, timeoutSeconds: 120, everySeconds: 2 });
    expect(parseDemoFlags(['--once', '--timeout', '30', '--every=0.5'])).toEqual({ once: true, timeoutSeconds: 30, everySeconds: 0.5 });
  });

  it.each([[['--timeout']], [['--timeout', 'soon']], [['--every=0']], [['--fast']], [['--once=yes']]])('refuses %j with the usage', (argv) => {
    expect(() => parseDemoFlags(argv)).toThrow(DemoFlagsError);
    expect(() => parseDemoFlags(argv)).toThrow(/usage: npm run demo/);
  });
});
