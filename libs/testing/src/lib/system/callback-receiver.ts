import { createHmac, timingSafeEqual } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo, Socket } from 'node:net';
import { waitFor } from '../wait-for';

/** What the signature header said about one delivery, checked with the key its path was given. */
export type SignatureCheck = 'valid' | 'invalid' | 'missing' | 'unsigned';

/** One POST the callback received, as received. */
export interface CallbackDelivery {
  /** 1, 2, …: the order deliveries arrived in, over the receiver's life. */
  readonly sequence: number;
  readonly receivedAt: Date;
  readonly path: string;
  /** Lower-case header names, as Node gives them. */
  readonly headers: Record<string, string>;
  readonly rawBody: Buffer;
  /** The parsed body, or undefined when it was not JSON. */
  readonly body: unknown;
  /** `message.eventId` of the notification, when the body has one. */
  readonly eventId?: string;
  /** `message.instanceId`, when the body has one. */
  readonly instanceId?: number;
  /** The status the receiver answered. */
  readonly status: number;
  /** `valid`/`invalid`/`missing` when the path has a signature key, else `unsigned`. */
  readonly signature: SignatureCheck;
}

export type CallbackListener = (delivery: CallbackDelivery, firstOfItsEventId: boolean) => void;

/**
 * A customer's callback endpoint: records every delivery with its headers and raw body, checks
 * `Elements-Webhook-Signature` with the recipe Open Connectors documents for Node
 * (`crypto.createHmac('sha256', key).update(rawBody).digest('base64')`, compared to the header
 * after `sha256=`), and dedupes on `message.eventId` the way a receiver must (delivery is at
 * least once). It can be told to answer an error status, or to be down (its port closed) and
 * come back up on the same port.
 */
export class CallbackReceiver {
  private readonly all: CallbackDelivery[] = [];
  private readonly firstByEventId = new Map<string, CallbackDelivery>();
  private readonly keys = new Map<string, string>();
  private readonly listeners = new Set<CallbackListener>();
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  private port = 0;
  private answerStatus = 200;

  /** Starts listening on loopback (on `port`, or any free one). */
  async start(port = 0): Promise<this> {
    await this.listen(port);
    return this;
  }

  get url(): string {
    if (!this.port) throw new Error('the callback receiver is not started');
    return `http://127.0.0.1:${this.port}`;
  }

  /**
   * A callback URL of its own for one instance (`/hooks/<name>`); deliveries to it are checked
   * against `signatureKey` when one is given.
   */
  callbackUrl(name: string, signatureKey?: string): string {
    const path = `/hooks/${encodeURIComponent(name)}`;
    if (signatureKey !== undefined) this.keys.set(path, signatureKey);
    return `${this.url}${path}`;
  }

  /** Every delivery, duplicates included, in arrival order. */
  get deliveries(): readonly CallbackDelivery[] {
    return this.all;
  }

  /** One delivery per `message.eventId` (the first that arrived), in arrival order. */
  notifications(filter: { instanceId?: number; path?: string } = {}): CallbackDelivery[] {
    return [...this.firstByEventId.values()].filter(
      (d) => (filter.instanceId === undefined || d.instanceId === filter.instanceId) && (filter.path === undefined || d.path === filter.path),
    );
  }

  /** Accepted (2xx) deliveries beyond the first of their event id: what dedup drops. */
  get duplicates(): number {
    return this.all.filter((d) => d.eventId !== undefined && d.status < 300).length - this.firstByEventId.size;
  }

  /** Waits until `count` distinct notifications matched the filter, and answers them. */
  async waitForNotifications(count: number, filter: { instanceId?: number; path?: string } = {}, timeoutMs = 60_000): Promise<CallbackDelivery[]> {
    return waitFor(
      () => {
        const found = this.notifications(filter);
        return found.length >= count ? found : undefined;
      },
      { timeoutMs, intervalMs: 100, what: `${count} notification(s) at the callback${filter.instanceId ? ` for instance ${filter.instanceId}` : ''}` },
    );
  }

  /** Called for every delivery, after it is recorded. Returns the unsubscribe function. */
  onDelivery(listener: CallbackListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Answers every later delivery with this status (200 again to recover). */
  answerWith(status: number): void {
    this.answerStatus = status;
  }

  /** Closes the port: connections are refused until `up()`. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Listens again, on the same port. */
  async up(): Promise<void> {
    if (!this.server) await this.listen(this.port);
  }

  get isUp(): boolean {
    return this.server !== undefined;
  }

  async close(): Promise<void> {
    await this.down();
    this.listeners.clear();
  }

  /** The documented Node recipe, on the bytes as received. */
  static signatureOf(rawBody: Buffer, key: string): string {
    return `sha256=${createHmac('sha256', key).update(rawBody).digest('base64')}`;
  }

  private async listen(port: number): Promise<void> {
    const server = createServer((req, res) => void this.handle(req, res));
    server.keepAliveTimeout = 30_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of req) chunks.push(chunk as Buffer);
    } catch {
      return; // the sender gave up mid-body: nothing was delivered
    }
    const rawBody = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const path = new URL(req.url ?? '/', 'http://receiver').pathname;
    const body = parseJson(rawBody);
    const message = isRecord(body) && isRecord(body['message']) ? body['message'] : undefined;
    const eventId = typeof message?.['eventId'] === 'string' ? message['eventId'] : undefined;
    const instanceId = typeof message?.['instanceId'] === 'number' ? message['instanceId'] : undefined;
    const status = this.answerStatus;
    const delivery: CallbackDelivery = {
      sequence: this.all.length + 1,
      receivedAt: new Date(),
      path,
      headers,
      rawBody,
      body,
      ...(eventId !== undefined ? { eventId } : {}),
      ...(instanceId !== undefined ? { instanceId } : {}),
      status,
      signature: this.check(path, headers['elements-webhook-signature'], rawBody),
    };
    res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'refused');
    this.all.push(delivery);
    // Only a 2xx counts as delivered: the sender will try an error answer again.
    const first = status < 300 && eventId !== undefined && !this.firstByEventId.has(eventId);
    if (first && eventId !== undefined) this.firstByEventId.set(eventId, delivery);
    for (const listener of this.listeners) listener(delivery, first);
  }

  private check(path: string, header: string | undefined, rawBody: Buffer): SignatureCheck {
    const key = this.keys.get(path);
    if (key === undefined) return 'unsigned';
    if (header === undefined) return 'missing';
    const expected = Buffer.from(CallbackReceiver.signatureOf(rawBody, key));
    const given = Buffer.from(header);
    return given.length === expected.length && timingSafeEqual(given, expected) ? 'valid' : 'invalid';
  }
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
