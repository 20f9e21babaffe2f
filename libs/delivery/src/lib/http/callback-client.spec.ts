import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { CallbackClient, parseRetryAfter } from './callback-client';

describe('CallbackClient', () => {
  let server: Server;
  let url: string;
  const hung: Array<() => void> = [];
  let received = 0;
  beforeAll(async () => {
    server = createServer((req, res) => {
      received++;
      if (req.url === '/hang') return void hung.push(() => res.end());
      if (req.url === '/big') return void res.writeHead(500).end('x'.repeat(100_000));
      if (req.url === '/busy') return void res.writeHead(429, { 'retry-after': '7' }).end('slow down');
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    hung.forEach((end) => end());
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const open = (allowPrivateNetworks: boolean): CallbackClient => new CallbackClient({ timeoutMs: 300, allowPrivateNetworks, connectionsPerOrigin: 4 });

  it('answers with the status, the start of the body and Retry-After', async () => {
    const client = open(true);
    expect(await client.post(`${url}/ok`, Buffer.from('{}'), {})).toMatchObject({ statusCode: 204 });
    const big = await client.post(`${url}/big`, Buffer.from('{}'), {});
    expect(big.statusCode).toBe(500);
    expect(big.body).toHaveLength(4096);
    expect(await client.post(`${url}/busy`, Buffer.from('{}'), {})).toMatchObject({ statusCode: 429, retryAfterMs: 7000, body: 'slow down' });
    await client.close();
  });

  it('gives up on a callback that never answers after the timeout', async () => {
    const client = open(true);
    const response = await client.post(`${url}/hang`, Buffer.from('{}'), {});
    expect(response.statusCode).toBeUndefined();
    expect(response.error).toMatch(/timeout/);
    expect(response.durationMs).toBeGreaterThanOrEqual(250);
    await client.close();
  });

  it('refuses loopback by IP literal and by a name that resolves to it, without connecting', async () => {
    const client = open(false);
    const before = received;
    const literal = await client.post(`${url}/ok`, Buffer.from('{}'), {});
    expect(literal.error).toMatch(/refused: .*127\.0\.0\.1/);
    const port = new URL(url).port;
    const named = await client.post(`http://localhost:${port}/ok`, Buffer.from('{}'), {});
    expect(named.statusCode).toBeUndefined();
    expect(named.error).toMatch(/refused: callback host localhost resolves to/);
    const v6 = await client.post(`http://[::1]:${port}/ok`, Buffer.from('{}'), {});
    expect(v6.error).toMatch(/refused/);
    expect(received).toBe(before);
    await client.close();
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-11-23T10:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter('Mon, 23 Nov 2026 10:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
