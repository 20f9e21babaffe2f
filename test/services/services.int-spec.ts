import { SERVICE_NAMES, ServiceName } from '@connector-events/config';
import { freePort, ServiceProcess, spawnApp, startApp, testEnvironment } from '@connector-events/testing';
import { buildApps } from '../support/build-once';

const DATABASE_OF: Record<ServiceName, string | undefined> = {
  'instance-service': 'instance-service',
  'webhook-ingest': undefined,
  poller: 'poller',
  normalizer: 'normalizer',
  notifier: 'notifier',
};

describe('each service as its own process, over real Kafka and PostgreSQL', () => {
  const running = new Map<ServiceName, ServiceProcess>();

  beforeAll(async () => {
    buildApps();
    const started = await Promise.all(
      SERVICE_NAMES.map(async (service) => [service, await startApp(service, testEnvironment({ PORT: String(await freePort()) }))] as const),
    );
    for (const [service, process] of started) running.set(service, process);
  });
  afterAll(async () => {
    await Promise.all([...running.values()].map((p) => p.stop('SIGKILL')));
  });

  describe.each(SERVICE_NAMES)('%s', (service) => {
    const url = (): string => (running.get(service) as ServiceProcess).url;

    it('is live, and ready only with its broker and database connections up', async () => {
      expect(await (await fetch(`${url()}/health/live`)).json()).toEqual({ status: 'ok' });
      const ready = await fetch(`${url()}/health/ready`);
      const body = (await ready.json()) as { status: string; checks: Record<string, { status: string; detail: string }> };
      expect(ready.status).toBe(200);
      expect(body.checks['messaging']).toEqual({ status: 'up', detail: expect.stringMatching(/broker/) });
      const database = DATABASE_OF[service];
      if (database) expect(body.checks[`database:${database}`]).toEqual({ status: 'up', detail: 'ok' });
      else expect(Object.keys(body.checks)).toEqual(['messaging']);
    });

    it('serves Prometheus metrics', async () => {
      const answer = await fetch(`${url()}/metrics`);
      expect(answer.headers.get('content-type')).toMatch(/^text\/plain;.*version=0\.0\.4/);
      const text = await answer.text();
      expect(text).toContain(`process_cpu_user_seconds_total{service="${service}"}`);
      expect(text).toMatch(/http_server_request_duration_seconds_count\{.*route="\/health\/ready"/);
    });

    it('answers errors as {requestId, message}, echoing the caller request id', async () => {
      const missing = await fetch(`${url()}/no/such/route`, { headers: { 'x-request-id': 'trace-123' } });
      expect(missing.status).toBe(404);
      expect(missing.headers.get('x-request-id')).toBe('trace-123');
      expect(await missing.json()).toEqual({ requestId: 'trace-123', message: 'Cannot GET /no/such/route' });

      const badJson = await fetch(`${url()}/health/live`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"unterminated": ',
      });
      expect(badJson.status).toBe(400);
      expect(await badJson.json()).toEqual({ requestId: badJson.headers.get('x-request-id'), message: 'request body is not valid JSON' });

      const tooLarge = await fetch(`${url()}/health/live`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ padding: 'x'.repeat(6 * 1024 * 1024) }),
      });
      expect(tooLarge.status).toBe(413);
      expect(await tooLarge.json()).toEqual({ requestId: expect.stringMatching(/^[0-9a-f-]{36}$/), message: 'request body is too large' });
    });
  });

  it('stops cleanly on SIGTERM', async () => {
    const notifier = running.get('notifier') as ServiceProcess;
    running.delete('notifier');
    expect(await notifier.stop('SIGTERM')).toBe(0);
  });
});

describe('start-up configuration check', () => {
  it('exits 1 and names every bad variable', async () => {
    const { exited, output } = spawnApp('poller', {
      SECRETS_KEY: 'too-short',
      PORT: 'eighty',
      KAFKA_BROKERS: 'no port here',
      PROVIDER_BASE_URL_HUBSPOT: 'ftp://example',
      BOOTSTRAP_USER_SECRET: 'x'.repeat(20),
    });
    expect(await exited).toBe(1);
    const text = output();
    for (const variable of ['SECRETS_KEY', 'PORT', 'KAFKA_BROKERS', 'PROVIDER_BASE_URL_HUBSPOT', 'BOOTSTRAP_ORGANIZATION_SECRET']) {
      expect(text).toContain(variable);
    }
    expect(text).not.toContain('x'.repeat(20));
  });
});
