import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/**
 * A customer's callback endpoint for the benchmark: answers 200 at once (or never, when told to
 * hang, as a dead endpoint) and notes when each notification arrived, by `Elements-Webhook-Id`.
 */
export class BenchCallbackReceiver {
  readonly receivedAt = new Map<string, number>();
  private server?: Server;
  private readonly hanging = new Set<ServerResponse>();
  url = '';

  constructor(private readonly hang = false) {}

  async start(): Promise<this> {
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    req.on('end', () => {
      const id = req.headers['elements-webhook-id'];
      if (typeof id === 'string' && !this.receivedAt.has(id)) this.receivedAt.set(id, performance.now());
      if (this.hang) {
        this.hanging.add(res);
        res.once('close', () => this.hanging.delete(res));
        return;
      }
      res.writeHead(200, { 'content-length': '0' }).end();
    });
  }
}
