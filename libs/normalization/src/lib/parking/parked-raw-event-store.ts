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
 * Where parked raw events wait. `redriveDue` hands the due ones to `publish` and removes them
 * only once it resolved, in one transaction: a crash in between publishes them again (the
 * normalizer is idempotent on the raw event id), never loses one.
 */
export interface ParkedRawEventStore {
  park(parked: ParkedRawEvent): Promise<void>;
  redriveDue(now: Date, limit: number, publish: (raws: readonly RawEvent[]) => Promise<void>): Promise<number>;
  count(): Promise<number>;
}
