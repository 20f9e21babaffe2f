import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/** A request as a fake provider received it; tests assert on these. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Record<string, string>;
  /** Lower-case names. */
  readonly headers: Record<string, string>;
  readonly rawBody: Buffer;
  /** The body parsed as JSON or as a form, when it was one. */
  readonly json?: unknown;
  readonly form?: Record<string, string>;
  readonly params: Record<string, string>;
}

export interface FakeAnswer {
  readonly status: number;
  readonly json?: unknown;
  readonly text?: string;
  readonly headers?: Record<string, string>;
}

export type FakeRouteHandler = (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>;

interface Route {
  readonly method: string;
  readonly pattern: RegExp;
  readonly names: string[];
  readonly handler: FakeRouteHandler;
}

/**
 * The HTTP side of every provider fake: routes with `:param` segments, bodies parsed the way
 * providers parse them, every request recorded. Unknown routes answer 404 so a wrong path in
 * an adapter fails loudly.
 */
export class FakeHttpServer {
  readonly requests: RecordedRequest[] = [];
  /**
   * Runs before the routes: an answer it gives (a 429, a hang) replaces the provider's, so tests
   * can make a provider throttle or stall; `undefined` lets the request through.
   */
  intercept?: (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer> | undefined;
  private readonly routes: Route[] = [];
  private server?: Server;
  private url?: string;

  constructor(private readonly providerName: string) {}

  route(method: string, path: string, handler: FakeRouteHandler): this {
    const names: string[] = [];
    const source = path
      .split('/')
      .map((part) => {
        if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        names.push(part.slice(1));
        return '([^/]+)';
      })
      .join('/');
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), names, handler });
    return this;
  }

  get baseUrl(): string {
    if (!this.url) throw new Error(`the ${this.providerName} fake is not started`);
    return this.url;
  }

  async start(): Promise<string> {
    const server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Requests to one path, in order. */
  requestsTo(method: string, path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const rawBody = Buffer.concat(chunks);
      const url = new URL(req.url ?? '/', 'http://fake');
      const method = req.method ?? 'GET';
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const found = this.match(method, url.pathname);
      const request: RecordedRequest = {
        method,
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers,
        rawBody,
        ...parseBody(headers['content-type'], rawBody),
        params: found?.params ?? {},
      };
      this.requests.push(request);
      const intercepted = this.intercept?.(request);
      const answer = intercepted
        ? await intercepted
        : found
        ? await found.route.handler(request)
        : { status: 404, json: { message: `${this.providerName} fake: no route ${method} ${url.pathname}` } };
      send(res, answer);
    } catch (error) {
      send(res, { status: 500, json: { message: `${this.providerName} fake failed: ${String(error)}` } });
    }
  }

  private match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      const found = route.pattern.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1] ?? '')));
      return { route, params };
    }
    return undefined;
  }
}

function parseBody(contentType: string | undefined, rawBody: Buffer): { json?: unknown; form?: Record<string, string> } {
  if (rawBody.length === 0) return {};
  const text = rawBody.toString('utf8');
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    return { form: Object.fromEntries(new URLSearchParams(text)) };
  }
  try {
    return { json: JSON.parse(text) };
  } catch {
    return {};
  }
}

function send(res: ServerResponse, answer: FakeAnswer): void {
  const headers: Record<string, string> = { ...answer.headers };
  let body = '';
  if (answer.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(answer.json);
  } else if (answer.text !== undefined) {
    headers['content-type'] ??= 'text/plain; charset=utf-8';
    body = answer.text;
  }
  res.writeHead(answer.status, headers);
  res.end(body);
}
