import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { freePort, startApp } from '@connector-events/testing';
import { buildApps } from '../support/build-once';

describe('embedded mode (npm start): five services, one process, no Kafka or database server', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'connector-events-embedded-'));
  // Only what a user's shell would have: no broker or database settings at all.
  const env = async (): Promise<NodeJS.ProcessEnv & { PORT: string }> => ({ DATA_DIR: dataDir, PORT: String(await freePort()), LOG_LEVEL: 'warn' });

  beforeAll(() => buildApps());
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts, is ready with every service database, prints its credentials once, and stops on Ctrl-C', async () => {
    const started = Date.now();
    const first = await startApp('embedded', await env(), 30_000);
    const startSeconds = (Date.now() - started) / 1000;

    const ready = (await (await fetch(`${first.url}/health/ready`)).json()) as { checks: Record<string, { status: string }> };
    expect(Object.keys(ready.checks).sort()).toEqual([
      'database:instance-service',
      'database:normalizer',
      'database:notifier',
      'database:poller',
      'messaging',
    ]);
    expect(Object.values(ready.checks).every((check) => check.status === 'up')).toBe(true);

    const secrets = JSON.parse(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
    expect(statSync(path.join(dataDir, 'secrets.json')).mode & 0o777).toBe(0o600);
    expect(first.output()).toContain(`Authorization: User ${secrets['userSecret']}, Organization ${secrets['organizationSecret']}`);
    expect(first.output()).toContain(`listening on http://127.0.0.1:`);
    expect(await first.stop('SIGINT')).toBe(0);

    // A second start reuses the data and does not print the secrets again.
    const second = await startApp('embedded', await env(), 30_000);
    expect(second.output()).not.toContain(secrets['userSecret']);
    expect(second.output()).toContain(`Credentials: ${path.join(dataDir, 'secrets.json')}`);
    expect(await second.stop('SIGINT')).toBe(0);

    process.stdout.write(`embedded mode: first start ready in ${startSeconds.toFixed(1)} s\n`);
  });
});
