import { Logger } from '@nestjs/common';
import { ClaimedDelivery, DeliveryStore } from '../store/delivery-store';

const MAX_BACKOFF_MS = 5_000;

export interface DeliverySchedulerOptions {
  readonly owner: string;
  readonly maxConcurrency: number;
  readonly maxConcurrencyPerHost: number;
  readonly claimBatch: number;
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
}

/**
 * Runs the attempts: claims due deliveries from the database (several notifier processes share
 * the work, and a crashed one's claims come back when their lease ends) and starts each without
 * waiting for the others, within an overall limit and a limit per callback host. A host at its
 * limit is left out of the next claims, so a dead or slow endpoint holds only its own slots and
 * never delays deliveries to other hosts.
 */
export class DeliveryScheduler {
  private readonly logger = new Logger(DeliveryScheduler.name);
  private readonly perHost = new Map<string, number>();
  private readonly running = new Set<Promise<void>>();
  private inFlight = 0;
  private timer?: NodeJS.Timeout;
  private pumping = false;
  /** Grows while the database refuses claims, so an outage is not hammered (or logged) every poll. */
  private backoffMs = 0;
  private again = false;
  private stopped = true;

  constructor(
    private readonly store: DeliveryStore,
    private readonly attempt: (delivery: ClaimedDelivery) => Promise<void>,
    private readonly options: DeliverySchedulerOptions,
    private readonly onInFlightChange: (count: number) => void = () => undefined,
  ) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Stops claiming and waits for the attempts in flight (each bounded by the callback timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.running]);
  }

  /**
   * Takes a slot for a delivery about to be recorded, when its host and the process have one
   * free: the intake then records the row already claimed and hands it to {@link launchReserved},
   * sparing a claim query and its wait. Every reservation ends in launchReserved or cancelReservation.
   */
  reserve(host: string): { owner: string; leaseMs: number } | undefined {
    if (this.stopped || this.inFlight >= this.options.maxConcurrency) return undefined;
    if ((this.perHost.get(host) ?? 0) >= this.options.maxConcurrencyPerHost) return undefined;
    this.take(host);
    return { owner: this.options.owner, leaseMs: this.options.leaseMs };
  }

  launchReserved(delivery: ClaimedDelivery): void {
    this.run(delivery);
  }

  cancelReservation(host: string): void {
    this.give(host);
  }

  /** Claims now: something became due (a new notification, a finished attempt, a redelivery). */
  wake(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    void this.pump().finally(() => {
      this.pumping = false;
      if (this.stopped) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.wake(), Math.max(this.options.pollIntervalMs, this.backoffMs));
      this.timer.unref();
    });
  }

  private async pump(): Promise<void> {
    do {
      this.again = false;
      const free = this.options.maxConcurrency - this.inFlight;
      if (free <= 0 || this.stopped) return;
      const saturated = [...this.perHost].filter(([, count]) => count >= this.options.maxConcurrencyPerHost).map(([host]) => host);
      const limit = Math.min(free, this.options.claimBatch);
      let claimed: ClaimedDelivery[];
      try {
        claimed = await this.store.claim(this.options.owner, limit, this.options.leaseMs, saturated);
        this.backoffMs = 0;
      } catch (error) {
        if (this.backoffMs === 0) this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not claim deliveries; trying again');
        this.backoffMs = Math.min(Math.max(2 * this.backoffMs, this.options.pollIntervalMs), MAX_BACKOFF_MS);
        return;
      }
      const overflow: string[] = [];
      for (const delivery of claimed) {
        if ((this.perHost.get(delivery.host) ?? 0) >= this.options.maxConcurrencyPerHost || this.stopped) overflow.push(delivery.id);
        else this.launch(delivery);
      }
      if (overflow.length > 0) await this.store.release(this.options.owner, overflow).catch(() => undefined);
      // A full batch may mean more is due; claim again at once.
      if (claimed.length === limit && overflow.length < claimed.length) this.again = true;
    } while (this.again && !this.stopped);
  }

  private launch(delivery: ClaimedDelivery): void {
    this.take(delivery.host);
    this.run(delivery);
  }

  private take(host: string): void {
    this.inFlight++;
    this.perHost.set(host, (this.perHost.get(host) ?? 0) + 1);
    this.onInFlightChange(this.inFlight);
  }

  private give(host: string): void {
    this.inFlight--;
    const left = (this.perHost.get(host) ?? 1) - 1;
    if (left <= 0) this.perHost.delete(host);
    else this.perHost.set(host, left);
    this.onInFlightChange(this.inFlight);
  }

  /** Runs one attempt in a slot already taken; the slot is given back when it ends. */
  private run(delivery: ClaimedDelivery): void {
    const run = this.attempt(delivery)
      .catch((error: unknown) => {
        // The lease runs out and the delivery is attempted again; nothing is lost.
        this.logger.error({ instanceId: delivery.instanceId, err: error instanceof Error ? error.message : String(error) }, 'delivery attempt failed unexpectedly');
      })
      .finally(() => {
        this.give(delivery.host);
        this.running.delete(run);
        this.wake();
      });
    this.running.add(run);
  }
}
