import { randomInt, randomUUID } from 'node:crypto';
import { IncomingMessage, Server, ServerResponse, createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { EventNotification, formatJavaDate } from '@connector-events/event-schema';
import { InstanceSnapshotMessage } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { TEST_SECRETS_KEY } from '@connector-events/testing';

const box = new SecretBox(Buffer.from(TEST_SECRETS_KEY, 'base64'));

/** The snapshot instance-service would publish for an instance that notifies `callbackUrl`. */
export function callbackInstance(input: {
  id: number;
  callbackUrl: string;
  signatureKey?: string;
  organizationId?: number;
  configuration?: Record<string, string>;
  version?: number;
  /** Seals the snapshot for a notifier run with this SECRETS_KEY; the shared test key by default. */
  secretsKey?: string;
}): InstanceSnapshotMessage {
  const sealer = input.secretsKey === undefined ? box : new SecretBox(Buffer.from(input.secretsKey, 'base64'));
  return {
    instanceId: input.id,
    version: input.version ?? 1,
    organizationId: input.organizationId ?? 91,
    userId: 92,
    elementKey: 'hubspot',
    name: `notifier test ${input.id}`,
    tags: ['notifier-test'],
    eventsEnabled: true,
    providerData: {},
    configuration: {
      'event.notification.enabled': 'true',
      'event.notification.callback.url': input.callbackUrl,
      ...input.configuration,
    },
    sealedSecrets: sealer.sealRecord(
      input.signatureKey === undefined ? {} : { 'event.notification.signature.key': input.signatureKey },
      `instance:${input.id}`,
    ),
    updatedDate: new Date().toISOString(),
  };
}

/** A notification as the normalizer publishes it, for one instance. */
export function notificationFor(instanceId: number, objectId = String(randomInt(1, 1e9))): EventNotification {
  const now = new Date();
  return {
    id: randomUUID(),
    topic: `instance-${instanceId}-hubspot-events`,
    severity: 'medium',
    action: 'update',
    createdDate: formatJavaDate(now),
    user: 'notifications@connector-events',
    message: {
      elementKey: 'hubspot',
      eventId: randomUUID(),
      instanceId,
      instance_id: instanceId,
      instanceName: `notifier test ${instanceId}`,
      instanceTags: ['notifier-test'],
      accountId: 91,
      companyId: 91,
      userId: 92,
      raw: { objectId, note: 'café ✓ — unicode in the signed bytes' },
      events: [{ objectType: 'contacts', objectId, eventType: 'UPDATED', elementKey: 'hubspot', hubKey: 'crm', date: now.toISOString() }],
    },
  } as EventNotification;
}


/** One request a callback received. */
export interface ReceivedCall {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly rawBody: Buffer;
  /** performance.now() when the whole body had arrived. */
  readonly at: number;
}

/** What a path answers: a status (with headers), or never (the connection is left hanging). */
export type CallbackBehaviour = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/**
 * A customer's callback endpoint: records every call and answers as each path is told, by
 * default 200. A list of behaviours is used one per call, the last one repeating.
 */
export class CallbackReceiver {
  readonly calls: ReceivedCall[] = [];
  private readonly behaviours = new Map<string, CallbackBehaviour[]>();
  private readonly hanging = new Set<ServerResponse>();
  private server?: Server;
  private open = 0;
  /** The most connections answered at once, for concurrency checks. */
  maxOpen = 0;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  answer(path: string, ...behaviours: CallbackBehaviour[]): void {
    this.behaviours.set(path, behaviours);
  }

  callsTo(path: string): ReceivedCall[] {
    return this.calls.filter((call) => call.path === path);
  }

  /** Ends the hanging requests (as a callback that finally answers 200). */
  release(): void {
    for (const res of this.hanging) res.writeHead(200).end();
    this.hanging.clear();
  }

  async close(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
    const path = new URL(req.url ?? '/', 'http://receiver').pathname;
    this.calls.push({ path, headers, rawBody: Buffer.concat(chunks), at: performance.now() });
    const list = this.behaviours.get(path) ?? [{ status: 200 }];
    const behaviour = (list.length > 1 ? list.shift() : list[0]) ?? { status: 200 };
    this.open++;
    this.maxOpen = Math.max(this.maxOpen, this.open);
    if (behaviour === 'hang') {
      this.hanging.add(res);
      res.once('close', () => {
        this.open--;
        this.hanging.delete(res);
      });
      return;
    }
    res.writeHead(behaviour.status, { 'content-type': 'text/plain', ...behaviour.headers });
    res.end(behaviour.body ?? 'ok');
    this.open--;
  }
}

export { testInstanceId } from '@connector-events/testing';
export { startGroupAtEnd } from '@connector-events/testing';
