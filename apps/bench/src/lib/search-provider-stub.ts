import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

interface StubRecord {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly modified: number;
}

/**
 * A lean stand-in for HubSpot's CRM search (`POST /crm/v3/objects/{object}/search`) for the
 * polling benchmark: the `lastmodifieddate GTE` filter, ascending order, `limit` and `after`
 * paging, answered the way HubSpot shapes them. Apps may not use libs/testing (the provider
 * fakes are test-only), and a benchmark's provider should cost as little as possible so the
 * figures are the poller's. The access token names the portal: `bench-<portal>`.
 */
export class SearchProviderStub {
  /** Search calls per portal, for "was every instance polled". */
  readonly calls = new Map<number, number>();
  private readonly portals = new Map<number, StubRecord[]>();
  private server?: Server;
  private nextId = 1;
  baseUrl = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** A new contact in the portal, modified now: the next poll reports it. */
  addContact(portal: number): void {
    const now = new Date();
    const records = this.portals.get(portal) ?? [];
    records.push({ id: String(this.nextId++), createdAt: now.toISOString(), updatedAt: now.toISOString(), modified: now.getTime() });
    this.portals.set(portal, records);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const portal = Number(/^Bearer bench-(\d+)$/.exec(req.headers.authorization ?? '')?.[1]);
    if (req.method !== 'POST' || !/^\/crm\/v3\/objects\/[a-z_]+\/search$/.test(req.url ?? '') || !Number.isSafeInteger(portal)) {
      res.writeHead(req.method === 'POST' ? 401 : 404, { 'content-type': 'application/json' }).end('{"status":"error"}');
      return;
    }
    this.calls.set(portal, (this.calls.get(portal) ?? 0) + 1);
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as {
      filterGroups?: { filters?: { value?: string }[] }[];
      limit?: number;
      after?: string;
    };
    const since = Number(body.filterGroups?.[0]?.filters?.[0]?.value ?? 0);
    const limit = Math.min(200, body.limit ?? 10);
    const after = Number(body.after ?? 0);
    const matching = (this.portals.get(portal) ?? []).filter((record) => record.modified >= since);
    const page = matching.slice(after, after + limit);
    const next = after + page.length;
    res.writeHead(200, { 'content-type': 'application/json;charset=utf-8' }).end(
      JSON.stringify({
        total: matching.length,
        results: page.map((record) => ({
          id: record.id,
          properties: { createdate: record.createdAt, lastmodifieddate: record.updatedAt, hs_object_id: record.id, email: `c${record.id}@bench.example` },
          createdAt: record.createdAt,
          updatedAt: record.updatedAt,
          archived: false,
        })),
        ...(next < matching.length ? { paging: { next: { after: String(next), link: '' } } } : {}),
      }),
    );
  }
}
