import { Logger } from '@nestjs/common';
import { MessageBus, TOPICS } from '@connector-events/messaging';
import { ParkedRawEventStore } from './parked-raw-event-store';

/** Instances put back per transaction. */
const INSTANCES_PER_ROUND = 50;

/** Puts parked raw events back on `oc.events.raw.v1` when they are due; every replica runs one. */
export class ParkedRawEventRedriver {
  private readonly logger = new Logger(ParkedRawEventRedriver.name);
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;

  constructor(
    private readonly store: ParkedRawEventStore,
    private readonly bus: MessageBus,
    private readonly everyMs: number,
    private readonly onRedriven: (count: number) => void = () => undefined,
    /** Told how many raw events stay parked after each round. */
    private readonly onRemaining: (count: number) => void = () => undefined,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.redriveDue().finally(() => (this.running = undefined));
    }, this.everyMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Everything due now, in batches; returns how many went back. */
  async redriveDue(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const count = await this.store.redriveDue(new Date(), INSTANCES_PER_ROUND, (raws) => this.bus.publish(TOPICS.rawEvents, raws.map((value) => ({ value }))));
        total += count;
        if (count === 0) break;
      }
      this.onRemaining(await this.store.count());
    } catch (error) {
      this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not put parked raw events back; next round tries again');
    }
    if (total > 0) {
      this.onRedriven(total);
      this.logger.log({ count: total }, 'parked raw events put back on the raw topic');
    }
    return total;
  }
}
