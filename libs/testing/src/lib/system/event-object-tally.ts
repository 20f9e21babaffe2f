import { eventObjectKey } from './steady-webhook-stream';

/** What the tally reads of a delivery (a {@link CallbackDelivery} has it). */
export interface TalliedDelivery {
  readonly status: number;
  readonly eventId?: string;
  readonly body: unknown;
}

/** Where deliveries come from (a {@link CallbackReceiver} is one). */
export interface DeliverySource {
  onDelivery(listener: (delivery: TalliedDelivery, firstOfItsEventId: boolean) => void): () => void;
}

/** Sent against delivered, for one stretch of a run. */
export interface DeliveryCounts {
  /** Event objects the provider's accepted calls carried. */
  readonly sent: number;
  /** Of those, how many reached the callback (at least once). */
  readonly delivered: number;
  /** Sent but not (yet) delivered. */
  readonly missing: number;
  /** Notifications answered 2xx, duplicates included. */
  readonly notifications: number;
  /** Of those, how many repeated a `message.eventId` already delivered (what receiver dedup drops). */
  readonly duplicateNotifications: number;
  /** Event objects that, after dedup on `message.eventId`, still arrived under more than one notification. */
  readonly repeatedAfterDedup: number;
  /** Event objects delivered that nobody sent in this stretch (another test's, or made up). */
  readonly unexpected: number;
}

/**
 * Counts, per event object, what a callback received: each notification's `message.events`
 * (not only the notifications), with dedup on `message.eventId` as a receiver does it. Only
 * 2xx-answered deliveries count: an error answer is retried by the notifier.
 */
export class EventObjectTally {
  /** Event object key → `performance.now()` of its first delivery. */
  readonly firstDeliveredAt = new Map<string, number>();
  /** Event object key → distinct notification event ids that carried it. */
  private readonly carriers = new Map<string, Set<string>>();
  private notifications = 0;
  private duplicates = 0;
  private detach?: () => void;

  attach(source: DeliverySource): this {
    this.detach?.();
    this.detach = source.onDelivery((delivery, first) => this.record(delivery, first));
    return this;
  }

  close(): void {
    this.detach?.();
    this.detach = undefined;
  }

  /** Counts against the event objects in `sent` (keys as {@link eventObjectKey} makes them). */
  countsFor(sent: Iterable<string>): DeliveryCounts {
    const expected = new Set(sent);
    let delivered = 0;
    let repeated = 0;
    for (const key of expected) {
      const carriers = this.carriers.get(key);
      if (!carriers) continue;
      delivered++;
      if (carriers.size > 1) repeated++;
    }
    let unexpected = 0;
    for (const key of this.carriers.keys()) if (!expected.has(key)) unexpected++;
    return {
      sent: expected.size,
      delivered,
      missing: expected.size - delivered,
      notifications: this.notifications,
      duplicateNotifications: this.duplicates,
      repeatedAfterDedup: repeated,
      unexpected,
    };
  }

  /** Sent event objects with no delivery yet. */
  missingOf(sent: Iterable<string>): string[] {
    return [...sent].filter((key) => !this.carriers.has(key));
  }

  private record(delivery: TalliedDelivery, first: boolean): void {
    if (delivery.status >= 300 || delivery.eventId === undefined) return;
    this.notifications++;
    if (!first) {
      this.duplicates++;
      return;
    }
    const at = performance.now();
    for (const key of eventObjectKeysOf(delivery.body)) {
      const carriers = this.carriers.get(key) ?? new Set<string>();
      carriers.add(delivery.eventId);
      this.carriers.set(key, carriers);
      if (!this.firstDeliveredAt.has(key)) this.firstDeliveredAt.set(key, at);
    }
  }
}

/** The keys of the event objects in a notification body (`message.instanceId`, `message.events[]`). */
export function eventObjectKeysOf(body: unknown): string[] {
  const message = isRecord(body) ? body['message'] : undefined;
  if (!isRecord(message) || typeof message['instanceId'] !== 'number' || !Array.isArray(message['events'])) return [];
  const instanceId = message['instanceId'];
  const keys: string[] = [];
  for (const event of message['events'] as unknown[]) {
    if (isRecord(event) && typeof event['objectType'] === 'string' && typeof event['objectId'] === 'string') {
      keys.push(eventObjectKey(instanceId, event['objectType'], event['objectId']));
    }
  }
  return keys;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
