import { Logger } from '@nestjs/common';
import { ConnectorError, ConnectorRegistry, ProviderHttpClient } from '@connector-events/connectors';
import { RawEvent } from '@connector-events/event-schema';
import { InstanceView, MessageBus, TOPICS } from '@connector-events/messaging';
import { PollOutcome, PollerMetrics } from '../metrics/poller-metrics';
import { ResolvedPollingOptions } from '../polling-options';
import { phaseOf, slotAfterPoll } from '../schedule/poll-slots';
import { isPolled, pollerConfigurationOf } from '../schedule/polling-target';
import { InstanceTokenSessions } from '@connector-events/provider-sessions';
import { ClaimedPoll, PollerStore, ResourceWatermark } from '../store/poller-store';
import { polledRawEvents } from './polled-raw-event';
import { ProviderThrottledError } from './provider-throttled.error';
import { pollResource } from './resource-poll';

export interface InstancePollerDependencies {
  readonly store: PollerStore;
  readonly view: InstanceView;
  readonly connectors: ConnectorRegistry;
  readonly sessions: InstanceTokenSessions;
  readonly bus: MessageBus;
  readonly http: ProviderHttpClient;
  readonly metrics: PollerMetrics;
  readonly options: ResolvedPollingOptions;
  readonly clock?: () => Date;
}

/**
 * Polls every resource of one claimed instance, publishes one raw event per resource with
 * changes, and only once Kafka acknowledged them stores the watermarks and the next slot (in one
 * transaction, fenced by the lease). A crash anywhere before that repeats the poll; nothing is
 * skipped. A throttled provider moves the poll to after its `Retry-After`; other failures wait
 * for the next slot, so a failing provider is asked once an interval, never in a loop.
 */
export class InstancePoller {
  private readonly logger = new Logger(InstancePoller.name);
  private readonly clock: () => Date;

  constructor(private readonly deps: InstancePollerDependencies) {
    this.clock = deps.clock ?? (() => new Date());
  }

  async poll(claim: ClaimedPoll): Promise<PollOutcome> {
    const { store, metrics, options } = this.deps;
    const started = this.clock();
    metrics.lag.labels(claim.elementKey).observe(claim.lagMs / 1000);
    const watermarks = new Map<string, ResourceWatermark>();
    let outcome: PollOutcome = 'ok';
    let nextPollAt = new Date(slotAfterPoll(claim.dueAt.getTime(), claim.intervalMs, phaseOf(claim.instanceId, claim.intervalMs), started.getTime()));
    try {
      const published = await this.pollAndPublish(claim, started, watermarks);
      if (!published) outcome = 'skipped';
    } catch (error) {
      ({ outcome, nextPollAt } = this.failure(claim, error, started, nextPollAt));
    }
    const finished = await store.finish(options.scope, claim, {
      watermarks,
      nextPollAt,
      failures: outcome === 'ok' || outcome === 'skipped' ? 0 : claim.failures + 1,
      outcome,
    });
    if (!finished) outcome = 'lease_lost';
    metrics.polls.labels(claim.elementKey, outcome).inc();
    metrics.duration.labels(claim.elementKey).observe((this.clock().getTime() - started.getTime()) / 1000);
    return outcome;
  }

  /** False when this process's view does not poll the instance (it lags, or events are off). */
  private async pollAndPublish(claim: ClaimedPoll, pollDate: Date, watermarks: Map<string, ResourceWatermark>): Promise<boolean> {
    const { view, connectors, sessions, bus, metrics } = this.deps;
    const record = view.get(claim.instanceId);
    const adapter = record ? connectors.find(record.elementKey) : undefined;
    if (!record || !isPolled(record, adapter) || !adapter.polling) return false;
    const configuration = pollerConfigurationOf(record, adapter);
    const stored = claim.watermarks;
    const session = await sessions.open(record, adapter, { stored: claim.refreshedTokens });
    const baseUrl = adapter.polling.apiBaseUrl(record.providerData);
    const raws: RawEvent[] = [];
    const read = new Map<string, ResourceWatermark>();
    let records = 0;
    let stopped: unknown;
    for (const [objectType, resource] of Object.entries(configuration)) {
      const state = stored.get(objectType) ?? { watermark: claim.enabledAt, recent: {} };
      try {
        const result = await pollResource({
          http: this.deps.http,
          session,
          descriptor: adapter.descriptor,
          baseUrl,
          objectType,
          configuration: resource,
          providerData: record.providerData,
          state,
          enabledAt: claim.enabledAt,
          pollDate,
        });
        raws.push(...polledRawEvents({ instanceId: record.id, elementKey: record.elementKey, objectType, records: result.records, pollDate, since: result.since }));
        records += result.records.length;
        read.set(objectType, result.next);
      } catch (error) {
        // The resources already read are still published and their watermarks kept.
        stopped = error;
        break;
      }
    }
    if (raws.length > 0) {
      await bus.publish(TOPICS.rawEvents, raws.map((value) => ({ value })));
      metrics.rawEvents.labels(record.elementKey).inc(raws.length);
      metrics.records.labels(record.elementKey).inc(records);
    }
    // Only now, with the raw events acknowledged (acks=all), may the watermarks move.
    for (const [objectType, next] of read) watermarks.set(objectType, next);
    if (stopped !== undefined) throw stopped;
    return true;
  }

  private failure(claim: ClaimedPoll, error: unknown, now: Date, nextSlot: Date): { outcome: PollOutcome; nextPollAt: Date } {
    const context = { instanceId: claim.instanceId, elementKey: claim.elementKey, failures: claim.failures + 1 };
    if (error instanceof ProviderThrottledError) {
      this.logger.warn({ ...context, retryAfterMs: error.retryAfterMs }, 'the provider throttled the poll; waiting as it asked');
      return { outcome: 'throttled', nextPollAt: new Date(now.getTime() + error.retryAfterMs) };
    }
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ConnectorError) {
      const outcome: PollOutcome =
        error.code === 'configuration_invalid' ? 'configuration_invalid' : error.code === 'provider_unauthorized' || error.code === 'oauth_refresh_rejected' ? 'unauthorized' : 'failed';
      this.logger.warn({ ...context, code: error.code, err: message }, 'poll failed; trying again at the next slot');
      return { outcome, nextPollAt: nextSlot };
    }
    // Our own infrastructure (Kafka, database): try again soon rather than wait an interval.
    this.logger.error({ ...context, err: message }, 'poll failed');
    return { outcome: 'failed', nextPollAt: new Date(Math.min(nextSlot.getTime(), now.getTime() + Math.max(1_000, this.deps.options.minuteMs / 4))) };
  }
}
