import { Logger } from '@nestjs/common';
import { isConnectorError } from '@connector-events/connectors';
import { RawEvent } from '@connector-events/event-schema';
import { PermanentMessageError } from '@connector-events/messaging';
import { ParkedRawEventStore } from './parked-raw-event-store';
import { ParkingPolicy } from './parking-policy';

/** Raw events being retried in this process at once is bounded by the partitions; this is only a safety cap. */
const MAX_TRACKED = 10_000;

/**
 * Keeps a provider outage from blocking a partition. The bus retries a failing raw event in
 * place, which keeps order but stops every other instance on the partition; for a provider
 * that keeps answering 5xx or 429 that could last hours. After a few attempts such a raw event
 * is parked in PostgreSQL, its offset commits, and the re-driver puts it back on the raw topic
 * when its delay is over; after the last one it is dead-lettered with the provider's error.
 * Failures of our own infrastructure (database, broker) are not parked: they stop every
 * partition alike, and retrying in place is what keeps order.
 *
 * Per-instance order is kept: while an instance has parked raw events, its next ones are parked
 * behind them (without calling the provider), and the re-driver puts an instance's parked raw
 * events back together, in the order they were received.
 */
export class ProviderOutageParking {
  private readonly logger = new Logger(ProviderOutageParking.name);
  private readonly failures = new Map<string, number>();
  /**
   * False once the re-driver saw the table empty and nothing was parked here since: the common
   * case then costs no query. Another replica's parking shows at the re-driver's next round; it
   * matters only for a partition that moved to this replica within that second.
   */
  private mayHaveParked = true;

  constructor(
    private readonly store: ParkedRawEventStore,
    private readonly policy: ParkingPolicy,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** The re-driver's count after each round. */
  noteRemaining(count: number): void {
    this.mayHaveParked = count > 0;
  }

  /** Parks the raw event behind its instance's parked ones, if it has any; true when it did. */
  async parkedBehindEarlier(raw: RawEvent): Promise<boolean> {
    if (!this.mayHaveParked) return false;
    const nextAttemptAt = await this.store.nextAttemptOf(raw.instanceId);
    if (nextAttemptAt === undefined) return false;
    await this.store.park({ raw, parkedAt: this.clock(), nextAttemptAt, lastError: 'waiting behind earlier parked raw events of the instance' });
    this.logger.log({ instanceId: raw.instanceId, rawEventId: raw.rawEventId }, 'raw event parked behind earlier ones of its instance');
    return true;
  }

  succeeded(raw: RawEvent): void {
    this.failures.delete(raw.rawEventId);
  }

  /**
   * Resolves `true` once the raw event is parked (the handler may then return); otherwise
   * throws what the bus should act on: the error itself (retry in place) or a
   * PermanentMessageError (dead-letter).
   */
  async failed(raw: RawEvent, error: unknown): Promise<true> {
    if (!isConnectorError(error) || !error.retryable) throw error;
    const failures = (this.failures.get(raw.rawEventId) ?? 0) + 1;
    if (failures < this.policy.inlineAttempts) {
      this.track(raw.rawEventId, failures);
      throw error;
    }
    this.failures.delete(raw.rawEventId);
    const parkedAttempts = (raw.parkedAttempts ?? 0) + 1;
    const delayMs = this.policy.delaysMs[parkedAttempts - 1];
    const reason = `${error.code}: ${error.message}`;
    if (delayMs === undefined) {
      throw new PermanentMessageError(`provider_unavailable: still failing after ${parkedAttempts - 1} parked retries: ${reason}`, { cause: error });
    }
    const now = this.clock();
    this.mayHaveParked = true;
    await this.store.park({ raw: { ...raw, parkedAttempts }, parkedAt: now, nextAttemptAt: new Date(now.getTime() + delayMs), lastError: reason });
    this.logger.warn(
      { instanceId: raw.instanceId, elementKey: raw.elementKey, rawEventId: raw.rawEventId, parkedAttempts, retryInMs: delayMs, err: reason },
      'provider keeps failing; raw event parked so its partition moves on',
    );
    return true;
  }

  private track(rawEventId: string, failures: number): void {
    this.failures.delete(rawEventId);
    if (this.failures.size >= MAX_TRACKED) {
      const oldest = this.failures.keys().next();
      if (!oldest.done) this.failures.delete(oldest.value);
    }
    this.failures.set(rawEventId, failures);
  }
}
