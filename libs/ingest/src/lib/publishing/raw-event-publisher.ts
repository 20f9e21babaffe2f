import { Logger } from '@nestjs/common';
import { RawEvent } from '@connector-events/event-schema';
import { InvalidOutgoingMessageError, MessageBus, TOPICS } from '@connector-events/messaging';
import { IngestRejection } from '../pipeline/ingest-rejection';

/**
 * Calls are grouped into one produce request only up to this estimated size, well below the
 * topics' `max.message.bytes` (which bounds each partition's record batch); a larger call
 * travels alone.
 */
export const MAX_GROUP_BYTES = 512 * 1024;
/** What a raw event adds to its body: ids, headers, JSON keys. Generous on purpose. */
const EVENT_OVERHEAD_BYTES = 2 * 1024;

interface PendingCall {
  readonly events: readonly RawEvent[];
  readonly estimatedBytes: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Puts each call's raw events on `oc.events.raw.v1` and resolves only once Kafka acknowledged
 * them all: only then may the provider hear 2xx.
 *
 * Group commit: one produce request is in flight at a time (the bus's producer sends one at a
 * time anyway, to keep order), and calls arriving meanwhile go together in the next one, so
 * concurrent calls share a round trip instead of queueing for one each. A call's events always
 * travel in the same request. A send still pending after the call timeout no longer holds the
 * next group back. A broker that fails or does not answer in time is a 503 (the
 * provider retries, and the retry gets the same raw event ids); an event the broker can never
 * take is a 413, as retrying would not help.
 */
export class RawEventPublisher {
  private readonly logger = new Logger(RawEventPublisher.name);
  private readonly queue: PendingCall[] = [];
  private sending = false;

  constructor(
    private readonly bus: MessageBus,
    private readonly timeoutMs: number,
  ) {}

  /** `bodyBytes`: the provider body's size, which each of the events carries. */
  async publish(events: readonly RawEvent[], bodyBytes: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const stored = new Promise<void>((resolve, reject) => {
      const call: PendingCall = { events, estimatedBytes: events.length * (bodyBytes + EVENT_OVERHEAD_BYTES), resolve, reject };
      this.queue.push(call);
    });
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
    });
    this.sendNext();
    try {
      if ((await Promise.race([stored, timedOut])) === 'timeout') {
        // Still queued or in flight: whatever it ends with, the caller hears 503 now (a late
        // success is a duplicate the provider's retry repeats with the same raw event id).
        stored.catch(() => undefined);
        this.logger.warn({ timeoutMs: this.timeoutMs, events: events.length }, 'Kafka did not acknowledge raw events in time; answered 503');
        throw IngestRejection.busUnavailable();
      }
    } catch (error) {
      throw this.classify(error);
    } finally {
      clearTimeout(timer);
    }
  }

  private sendNext(): void {
    if (this.sending) return;
    const group = this.takeGroup();
    if (group.length === 0) return;
    this.sending = true;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      clearTimeout(stuck);
      this.sending = false;
      this.sendNext();
    };
    // A send that hangs must not hold back every later call: past the call timeout, the next group goes.
    const stuck = setTimeout(release, this.timeoutMs);
    void this.send(group).finally(release);
  }

  /** The calls waiting, oldest first, up to {@link MAX_GROUP_BYTES} (a larger call goes alone). */
  private takeGroup(): PendingCall[] {
    const group: PendingCall[] = [];
    let bytes = 0;
    for (let next = this.queue[0]; next !== undefined; next = this.queue[0]) {
      if (group.length > 0 && bytes + next.estimatedBytes > MAX_GROUP_BYTES) break;
      group.push(next);
      bytes += next.estimatedBytes;
      this.queue.shift();
    }
    return group;
  }

  /** Never rejects: every call of the group is settled. */
  private async send(group: readonly PendingCall[]): Promise<void> {
    try {
      await this.bus.publish(
        TOPICS.rawEvents,
        group.flatMap((call) => call.events.map((value) => ({ value }))),
      );
      for (const call of group) call.resolve();
    } catch (error) {
      if (group.length > 1 && (isMessageTooLarge(error) || error instanceof InvalidOutgoingMessageError)) {
        // One call's events cannot go; only that call may fail, so each goes on its own.
        for (const call of group) await this.send([call]);
        return;
      }
      const [only] = group;
      if (only && only.events.length > 1 && isMessageTooLarge(error)) {
        // A large body fanned out to instances on one partition can exceed the broker's batch limit together.
        await this.sendOneByOne(only);
        return;
      }
      for (const call of group) call.reject(error);
    }
  }

  private async sendOneByOne(call: PendingCall): Promise<void> {
    try {
      for (const value of call.events) await this.bus.publish(TOPICS.rawEvents, [{ value }]);
      call.resolve();
    } catch (error) {
      call.reject(error);
    }
  }

  private classify(error: unknown): unknown {
    if (error instanceof IngestRejection || error instanceof InvalidOutgoingMessageError) return error;
    if (isMessageTooLarge(error)) {
      return IngestRejection.tooLarge('the event is larger than the message bus accepts; it was not stored');
    }
    this.logger.warn({ err: String(error) }, 'Kafka refused raw events; answered 503');
    return IngestRejection.busUnavailable();
  }
}

/** kafkajs reports the broker's `MESSAGE_TOO_LARGE` (not retriable) with this `type`. */
function isMessageTooLarge(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'MESSAGE_TOO_LARGE';
}
