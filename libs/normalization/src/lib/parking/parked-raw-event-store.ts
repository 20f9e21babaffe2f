import { RawEvent } from '@connector-events/event-schema';

/** A raw event set aside until its provider recovers. */
export interface ParkedRawEvent {
  /** Carries `parkedAttempts`: how many times it has been parked, this time included. */
  readonly raw: RawEvent;
  readonly nextAttemptAt: Date;
  readonly lastError: string;
  readonly parkedAt: Date;
}

/**
 * Where parked raw events wait. `redriveDue` takes up to `instances` instances with a raw event
 * due, hands all their parked raw events to `publish` in the order they were received, and
 * removes them only once it resolved, in one transaction: a crash in between publishes them
 * again (the normalizer is idempotent on the raw event id), never loses one.
 */
export interface ParkedRawEventStore {
  park(parked: ParkedRawEvent): Promise<void>;
  /** The earliest next attempt among the instance's parked raw events; undefined when it has none. */
  nextAttemptOf(instanceId: number): Promise<Date | undefined>;
  redriveDue(now: Date, instances: number, publish: (raws: readonly RawEvent[]) => Promise<void>): Promise<number>;
  count(): Promise<number>;
}
