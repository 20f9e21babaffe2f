import { Logger } from '@nestjs/common';
import { ConnectorRegistry } from '@connector-events/connectors';
import { InstanceRecord, InstanceView } from '@connector-events/messaging';
import { PollerMetrics } from '../metrics/poller-metrics';
import { ResolvedPollingOptions } from '../polling-options';
import { PollerStore } from '../store/poller-store';
import { firstSlotAfter, phaseOf } from './poll-slots';
import { isPolled, refreshIntervalMinutes } from './polling-target';

/**
 * Keeps the schedule in step with `oc.instances.v1`: an instance whose events are enabled for
 * polling gets a row (first poll from the moment events were enabled), a new interval moves its
 * slot, disabling stops it, a tombstone forgets it. Every process applies every change; the
 * store takes only snapshots newer than the row's, so they agree.
 */
export class ScheduleSync {
  private readonly logger = new Logger(ScheduleSync.name);
  private readonly polled = new Set<number>();

  constructor(
    private readonly store: PollerStore,
    private readonly connectors: ConnectorRegistry,
    private readonly metrics: PollerMetrics,
    private readonly options: ResolvedPollingOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  inScope(record: InstanceRecord): boolean {
    return this.options.instanceTag === undefined || record.tags.includes(this.options.instanceTag);
  }

  async apply(id: number, record: InstanceRecord | undefined): Promise<void> {
    const { scope } = this.options;
    if (!record) {
      this.polled.delete(id);
      await this.store.forget(scope, id);
    } else if (this.inScope(record) && isPolled(record, this.connectors.find(record.elementKey))) {
      this.polled.add(id);
      const intervalMs = refreshIntervalMinutes(record) * this.options.minuteMs;
      const enabledAt = new Date(Math.min(Date.parse(record.updatedDate) || this.clock().getTime(), this.clock().getTime()));
      await this.store.schedule(scope, {
        instanceId: id,
        elementKey: record.elementKey,
        instanceVersion: record.version,
        intervalMs,
        enabledAt,
        firstDueAt: new Date(firstSlotAfter(this.clock().getTime(), intervalMs, phaseOf(id, intervalMs))),
      });
    } else {
      this.polled.delete(id);
      await this.store.disable(scope, id, record.version);
    }
    this.metrics.scheduled.set(this.polled.size);
  }

  /**
   * After the view caught up: rows of instances it does not hold were deleted while no process
   * read the tombstone (compacted away). Rows created after `startedAt` may be instances this
   * view has not reached yet, so they stay.
   */
  async reconcile(view: InstanceView, startedAt: Date): Promise<void> {
    const stale = (await this.store.scheduledInstances(this.options.scope, startedAt)).filter((id) => !view.get(id));
    for (const id of stale) await this.store.forget(this.options.scope, id);
    if (stale.length > 0) this.logger.log({ forgotten: stale.length }, 'forgot the schedules of deleted instances');
  }
}
