import { Logger } from '@nestjs/common';
import { ConnectorRegistry } from '@connector-events/connectors';
import { PollerMetrics } from '../metrics/poller-metrics';
import { ResolvedPollingOptions } from '../polling-options';
import { PollerStore } from '../store/poller-store';
import { InstancePoller } from './instance-poller';

/**
 * The loop that runs due polls: every tick, for each polled connector, claims as many due
 * instances as it has free slots (`POLLER_CONCURRENCY_PER_PROVIDER`) and polls them. Claims
 * are leases in the database, so any number of processes share the schedule.
 */
export class PollScheduler {
  private readonly logger = new Logger(PollScheduler.name);
  private readonly inFlight = new Map<string, number>();
  private readonly running = new Set<Promise<unknown>>();
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private again = false;
  private stopped = true;

  constructor(
    private readonly store: PollerStore,
    private readonly connectors: ConnectorRegistry,
    private readonly poller: InstancePoller,
    private readonly metrics: PollerMetrics,
    private readonly options: ResolvedPollingOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.tick(), this.options.tickMs);
    this.timer.unref();
    this.tick();
  }

  /** Stops claiming and waits for the polls in flight, so none is left half done. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await Promise.allSettled([...this.running]);
  }

  private tick(): void {
    if (this.stopped) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = true;
    this.claimAll()
      .catch((error: unknown) => this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not claim due polls'))
      .finally(() => {
        this.ticking = false;
        if (this.again) {
          this.again = false;
          setImmediate(() => this.tick());
        }
      });
  }

  private async claimAll(): Promise<void> {
    for (const adapter of this.connectors.list()) {
      if (!adapter.polling || this.stopped) continue;
      const key = adapter.descriptor.elementKey;
      const free = this.options.concurrencyPerProvider - (this.inFlight.get(key) ?? 0);
      if (free <= 0) continue;
      const claims = await this.store.claimDue(this.options.scope, key, free, this.options.leaseMs);
      for (const claim of claims) {
        this.inFlight.set(key, (this.inFlight.get(key) ?? 0) + 1);
        this.metrics.inFlight.labels(key).inc();
        const run = this.poller
          .poll(claim)
          .catch((error: unknown) => this.logger.error({ instanceId: claim.instanceId, err: error instanceof Error ? error.message : String(error) }, 'poll could not finish; its lease will expire'))
          .finally(() => {
            this.inFlight.set(key, (this.inFlight.get(key) ?? 1) - 1);
            this.metrics.inFlight.labels(key).dec();
            this.running.delete(run);
            // A slot came free: look for more due work now rather than at the next tick.
            this.tick();
          });
        this.running.add(run);
      }
    }
  }
}
