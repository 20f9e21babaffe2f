import { randomInt } from 'node:crypto';
import { Agent, request } from 'undici';
import { signedV3Webhook } from '../fakes/hubspot/hubspot-webhook-signer';

/** A HubSpot instance the stream posts for: its id (for the callback side) and its portal. */
export interface StreamPortal {
  readonly instanceId: number;
  readonly portalId: number;
}

export interface SteadyWebhookStreamOptions {
  /** The URL HubSpot calls and signs, e.g. `${publicBaseUrl}/elements/api-v2/events/hubspot`. */
  readonly url: string;
  /** The HubSpot app's client secret (v3 signatures). */
  readonly clientSecret: string;
  /** Calls go round these portals in turn; each call carries events of one portal. */
  readonly portals: readonly StreamPortal[];
  readonly callsPerSecond: number;
  readonly eventsPerCall: number;
  /** First wait before a refused call is sent again; doubles up to 2 s. Default 200 ms. */
  readonly retryDelayMs?: number;
  /** A call that has no answer by then counts as refused and is sent again. Default 15 s. */
  readonly callTimeoutMs?: number;
}

/** One event object the provider reported, by the key it has at the callback ({@link eventObjectKey}). */
export interface SentEventObject {
  readonly key: string;
  readonly instanceId: number;
  /** `performance.now()` of the call's first try: when the provider reported the change. */
  readonly firstTriedAt: number;
  /** `performance.now()` of the 2xx answer. */
  readonly acceptedAt: number;
}

export interface SteadyWebhookStreamCounts {
  /** Calls started (each with `eventsPerCall` events). */
  readonly calls: number;
  /** Calls answered 2xx, after however many tries. */
  readonly acceptedCalls: number;
  /** Tries that were not answered 2xx (status or `error`), by answer: what the provider had to retry. */
  readonly refusedTries: Readonly<Record<string, number>>;
  /** Event objects in accepted calls: what must reach the callback. */
  readonly acceptedEvents: number;
  /** Calls still being tried. */
  readonly inFlight: number;
  /** Calls that were due but started late because the previous tick ran long (timer lag). */
  readonly lateStarts: number;
}

/**
 * The key an event object has on both sides: the instance it is for, its object type and id.
 * The stream makes every object id unique, so a key is one change.
 */
export function eventObjectKey(instanceId: number, objectType: string, objectId: string): string {
  return `${instanceId}/${objectType}/${objectId}`;
}

const OBJECT_TYPE = 'contacts';
const TICK_MS = 20;

/**
 * A steady stream of HubSpot webhook calls, as HubSpot makes them: signed v3 arrays of
 * `contact.creation` events of one portal, at a fixed rate whatever happens to the service
 * (calls do not wait for each other). A call that is not answered 2xx is sent again (re-signed,
 * as HubSpot retries) until it is, so an outage delays events but loses none; only accepted
 * calls' events count as sent. `stop()` stops starting calls and waits for the ones in flight.
 */
export class SteadyWebhookStream {
  readonly accepted = new Map<string, SentEventObject>();
  private readonly refusedTries: Record<string, number> = {};
  private readonly agent = new Agent({ connections: 256, keepAliveTimeout: 10_000 });
  private readonly inFlight = new Set<Promise<void>>();
  private readonly objectIdBase = randomInt(1, 2 ** 20) * 1_000_000_000;
  private nextObjectId = 1;
  private calls = 0;
  private acceptedCalls = 0;
  private lateStarts = 0;
  private timer?: NodeJS.Timeout;
  private startedAt = 0;
  private stopping = false;

  constructor(private readonly options: SteadyWebhookStreamOptions) {
    if (options.portals.length === 0) throw new Error('the stream needs at least one portal');
    if (!(options.callsPerSecond > 0) || !(options.eventsPerCall > 0)) throw new Error('callsPerSecond and eventsPerCall must be positive');
  }

  start(): this {
    if (this.timer) return this;
    this.startedAt = performance.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    return this;
  }

  /** Stops starting calls; resolves once every started call was accepted (or `timeoutMs` passed). */
  async stop(timeoutMs = 120_000): Promise<SteadyWebhookStreamCounts> {
    clearInterval(this.timer);
    this.timer = undefined;
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight.size > 0 && Date.now() < deadline) await Promise.race([Promise.all(this.inFlight), sleep(500)]);
    this.stopping = true;
    await Promise.race([Promise.allSettled(this.inFlight), sleep(1_000)]);
    await this.agent.close().catch(() => undefined);
    return this.counts;
  }

  get counts(): SteadyWebhookStreamCounts {
    return {
      calls: this.calls,
      acceptedCalls: this.acceptedCalls,
      refusedTries: { ...this.refusedTries },
      acceptedEvents: this.accepted.size,
      inFlight: this.inFlight.size,
      lateStarts: this.lateStarts,
    };
  }

  /** Starts the calls that are due by now (a late timer starts several at once). */
  private tick(): void {
    const due = Math.floor(((performance.now() - this.startedAt) / 1000) * this.options.callsPerSecond);
    if (due - this.calls > 1) this.lateStarts += due - this.calls - 1;
    while (this.calls < due) {
      const portal = this.options.portals[this.calls % this.options.portals.length] as StreamPortal;
      this.calls++;
      const call = this.callUntilAccepted(portal).finally(() => this.inFlight.delete(call));
      this.inFlight.add(call);
    }
  }

  private async callUntilAccepted(portal: StreamPortal): Promise<void> {
    const objectIds = Array.from({ length: this.options.eventsPerCall }, () => String(this.objectIdBase + this.nextObjectId++));
    const body = hubSpotCreations(portal.portalId, objectIds);
    const firstTriedAt = performance.now();
    let delay = this.options.retryDelayMs ?? 200;
    for (;;) {
      const outcome = await this.send(body);
      if (outcome === 'accepted') break;
      this.refusedTries[outcome] = (this.refusedTries[outcome] ?? 0) + 1;
      if (this.stopping) return;
      await sleep(delay);
      delay = Math.min(delay * 2, 2_000);
    }
    const acceptedAt = performance.now();
    this.acceptedCalls++;
    for (const objectId of objectIds) {
      const key = eventObjectKey(portal.instanceId, OBJECT_TYPE, objectId);
      this.accepted.set(key, { key, instanceId: portal.instanceId, firstTriedAt, acceptedAt });
    }
  }

  /**
   * One try, signed now (a v3 signature is good for five minutes). The body stays the same on
   * every try, as HubSpot's retries do: webhook-ingest names a call by its body, so a repeat of
   * one whose 2xx was lost gets the same notification ids downstream.
   */
  private async send(body: string): Promise<string> {
    const call = signedV3Webhook(this.options.clientSecret, this.options.url, body, Date.now());
    try {
      const answer = await request(this.options.url, {
        method: 'POST',
        headers: call.headers,
        body: call.body,
        dispatcher: this.agent,
        headersTimeout: this.options.callTimeoutMs ?? 15_000,
        bodyTimeout: this.options.callTimeoutMs ?? 15_000,
      });
      await answer.body.dump();
      return answer.statusCode >= 200 && answer.statusCode < 300 ? 'accepted' : String(answer.statusCode);
    } catch {
      return 'error';
    }
  }
}

/** HubSpot's array of `contact.creation` events of one portal. */
function hubSpotCreations(portalId: number, objectIds: readonly string[]): string {
  const occurredAt = Date.now();
  return JSON.stringify(
    objectIds.map((objectId) => ({
      eventId: randomInt(1, 2 ** 47),
      subscriptionId: 1_243_456,
      portalId,
      appId: 1_160_452,
      occurredAt,
      subscriptionType: 'contact.creation',
      attemptNumber: 0,
      objectId: Number(objectId),
      changeFlag: 'NEW',
      changeSource: 'CRM',
    })),
  );
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
