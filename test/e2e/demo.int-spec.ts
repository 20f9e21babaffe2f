import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT, waitFor } from '@connector-events/testing';
import { buildApps } from '../support/build-once';

const DEMO = path.join(REPO_ROOT, 'dist/apps/demo/src/main.js');

/** `npm run demo` as a newcomer runs it: no broker or database settings in the environment. */
function runDemo(args: string[]): { output: () => string; exited: Promise<number | null>; interrupt: () => void } {
  const child = spawn(process.execPath, [DEMO, ...args], { cwd: REPO_ROOT, env: { PATH: process.env['PATH'] }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return {
    output: () => output,
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    interrupt: () => child.kill('SIGINT'),
  };
}

const CONNECTORS = ['Dropbox', 'HubSpot', 'QuickBooks', 'Salesforce', 'Graph'];

describe('npm run demo', () => {
  beforeAll(() => buildApps());

  it('--once: provisions the five connectors, shows a signed notification from each with a live count, and exits 0', async () => {
    const demo = runDemo(['--once', '--timeout', '150']);
    const code = await demo.exited;
    const text = demo.output();
    expect({ code, text }).toEqual({ code: 0, text: expect.stringContaining('stopped.') });
    for (const name of CONNECTORS) {
      expect(text).toMatch(new RegExp(`^ +${name} +instance \\d+ `, 'm'));
      expect(text).toMatch(new RegExp(`#\\d+ +${name} .* signature valid`));
    }
    const summary = /^(\d+) notification\(s\) delivered and signed in [\d.]+ s: (.*)$/m.exec(text);
    expect(summary?.[1]).toBe('5');
    expect(summary?.[2]).toMatch(/^Dropbox 1 · HubSpot 1 · QuickBooks 1 · Salesforce 1 · Graph 1; provider change to callback: median/);
    process.stdout.write(`demo --once: ${summary?.[0]}\n`);
  }, 200_000);

  it('keeps making changes until Ctrl-C, then stops the embedded system and exits 0', async () => {
    const demo = runDemo(['--every', '0.5', '--timeout', '170']);
    // Past one round, so the second change of a connector has to arrive too.
    await waitFor(() => (/#7 /.test(demo.output()) ? true : undefined), { timeoutMs: 150_000, intervalMs: 200, what: 'seven notifications' });
    const api = /REST API +(http:\/\/127\.0\.0\.1:\d+)/.exec(demo.output())?.[1];
    demo.interrupt();
    expect(await demo.exited).toBe(0);
    expect(demo.output().trimEnd().endsWith('stopped.')).toBe(true);
    expect(demo.output()).not.toContain('timed out');
    // The embedded process went with it.
    expect(await fetch(`${api}/health/live`).then(() => 'answered', () => 'refused')).toBe('refused');
  }, 200_000);
});
