import { createHash } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { performance } from 'node:perf_hooks';
import { ConnectorAdapter, ConnectorRegistry, connectorErrors } from '@connector-events/connectors';
import { EventNotification, RawEvent } from '@connector-events/event-schema';
import { IncomingMessage, InstanceRecord, PermanentMessageError } from '@connector-events/messaging';
import { InstanceTokenSessions } from '@connector-events/provider-sessions';
import { InstanceLookup } from '../instances/instance-lookup';
import { NormalizerMetrics, RawEventOutcome } from '../metrics/normalizer-metrics';
import { ProviderOutageParking } from '../parking/provider-outage-parking';
import { NormalizationResult, NormalizerStore } from '../store/normalizer-store';
import { adapterFailure } from './adapter-failure';
import { NotificationPublisher } from './notification-publisher';
import { eventObjectMessages, notificationPages } from './notification-pages';
import { normalizePolledRawEvent } from './polled-raw-event';

export interface RawEventNormalizerDependencies {
  readonly instances: InstanceLookup;
  readonly connectors: ConnectorRegistry;
  readonly store: NormalizerStore;
  readonly sessions: InstanceTokenSessions;
  readonly publisher: NotificationPublisher;
  readonly metrics: NormalizerMetrics;
  /** Without it a failing provider is retried in place for as long as it fails. */
  readonly parking?: ProviderOutageParking;
  readonly clock?: () => Date;
}

/** What became of one raw event. */
export interface NormalizationReport {
  readonly outcome: RawEventOutcome;
  readonly events: number;
  /** The notifications published, in order (empty unless the outcome is `published`). */
  readonly notifications: readonly EventNotification[];
  readonly durationMs: number;
}

type Processed = Omit<NormalizationReport, 'durationMs'>;

/**
 * The normalizer's work on one raw event, in an order that makes a crash at any point safe:
 * 1. find the instance (unknown, deleted or events disabled: dropped with a warning);
 * 2. read the connector state, a pending result and the dedup row in one query; a provider
 *    delivery id first seen under another raw event is the provider's own retry: dropped;
 * 3. normalize — or, for a redelivery, reuse the result kept by the attempt that crashed; a
 *    stateful adapter's result is kept before anything is published;
 * 4. publish the notifications (ids derived from the raw event), then the event objects;
 * 5. only then store the new state and the delivery id, and drop the pending result.
 * A redelivered raw event therefore republishes exactly the same notifications under the same
 * ids, and the state never moves past changes that were not published.
 */
export class RawEventNormalizer {
  private readonly logger = new Logger(RawEventNormalizer.name);
  private readonly clock: () => Date;

  constructor(private readonly deps: RawEventNormalizerDependencies) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** The bus handler: resolving commits the offset (done or parked); throwing retries or dead-letters. */
  async handle(message: IncomingMessage<RawEvent>): Promise<void> {
    const raw = message.value;
    if (!raw) return;
    const parking = this.deps.parking;
    if (!parking) {
      await this.normalize(raw);
      return;
    }
    if (await parking.parkedBehindEarlier(raw)) {
      this.deps.metrics.parked.inc({ element_key: raw.elementKey });
      return;
    }
    try {
      await this.normalize(raw);
      parking.succeeded(raw);
    } catch (error) {
      await parking.failed(raw, error);
      this.deps.metrics.parked.inc({ element_key: raw.elementKey });
    }
  }

  /** Normalizes and publishes one raw event; also how the benchmark harness drives it. */
  async normalize(raw: RawEvent): Promise<NormalizationReport> {
    const started = performance.now();
    let processed: Processed | undefined;
    let failure: unknown;
    try {
      processed = await this.process(raw);
      return { ...processed, durationMs: performance.now() - started };
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      this.record(raw, processed, failure, performance.now() - started);
    }
  }

  private async process(raw: RawEvent): Promise<Processed> {
    const lookup = await this.deps.instances.find(raw.instanceId);
    if (!lookup.found) return dropped(lookup.reason === 'deleted' ? 'deleted_instance' : 'unknown_instance');
    const instance = lookup.record;
    if (!instance.eventsEnabled) return dropped('events_disabled');
    const adapter = this.adapterFor(instance, raw);

    const context = await this.deps.store.context(instance.id, raw.rawEventId, raw.providerEventId);
    if (raw.providerEventId !== undefined && context.firstRawEventId !== undefined && context.firstRawEventId !== raw.rawEventId) {
      return dropped('duplicate');
    }
    let result = context.pending;
    if (!result) {
      result = await this.normalizeWith(adapter, instance, raw, context.state);
      if (Object.keys(result.stateUpdates).length > 0) await this.deps.store.savePending(instance.id, raw.rawEventId, result, this.clock());
    }

    const pages = notificationPages({
      instance,
      rawEventId: pageSourceOf(raw.rawEventId, context.state),
      source: raw.source,
      receivedAt: new Date(raw.receivedAt),
      raw: result.raw,
      events: result.events,
    });
    await this.deps.publisher.publish(pages, eventObjectMessages(pages));

    const keptState = Object.keys(result.stateUpdates).length > 0;
    if (keptState || context.pending || raw.providerEventId !== undefined) {
      await this.deps.store.complete(instance.id, raw.rawEventId, {
        stateUpdates: result.stateUpdates,
        ...(raw.providerEventId !== undefined ? { providerEventId: raw.providerEventId } : {}),
        at: this.clock(),
      });
    }
    return { outcome: pages.length > 0 ? 'published' : 'no_events', events: result.events.length, notifications: pages };
  }

  private adapterFor(instance: InstanceRecord, raw: RawEvent): ConnectorAdapter {
    const adapter = this.deps.connectors.find(instance.elementKey);
    if (!adapter) throw permanent(connectorErrors.unknownConnector(instance.elementKey));
    // The raw event may name the connector by an alias, never by another connector.
    if (this.deps.connectors.find(raw.elementKey) !== adapter) {
      throw new PermanentMessageError(`element_key_mismatch: the raw event is for ${raw.elementKey}, instance ${instance.id} is ${instance.elementKey}`);
    }
    return adapter;
  }

  private async normalizeWith(
    adapter: ConnectorAdapter,
    instance: InstanceRecord,
    raw: RawEvent,
    state: Readonly<Record<string, string>>,
  ): Promise<NormalizationResult> {
    try {
      if (raw.source === 'polling') {
        const polled = normalizePolledRawEvent(adapter, instance, raw.body);
        return { events: polled.events, raw: polled.raw, stateUpdates: {} };
      }
      const webhook = adapter.webhook;
      if (!webhook) throw connectorErrors.configurationInvalid(`the ${adapter.descriptor.elementKey} connector takes no webhooks`);
      const normalized = await webhook.normalize(
        { instance, body: raw.body, headers: raw.headers, receivedAt: new Date(raw.receivedAt), state },
        { session: this.deps.sessions.openLazily(instance, adapter) },
      );
      return { events: normalized.events, raw: normalized.raw, stateUpdates: normalized.stateUpdates ?? {} };
    } catch (error) {
      throw adapterFailure(error);
    }
  }

  /** One log line and the metrics per raw event; never a body or a token. */
  private record(raw: RawEvent, processed: Processed | undefined, failure: unknown, ms: number): void {
    const outcome: RawEventOutcome = processed?.outcome ?? (failure instanceof PermanentMessageError ? 'dead_lettered' : 'failed');
    const labels = { element_key: raw.elementKey, source: raw.source };
    const metrics = this.deps.metrics;
    metrics.rawEvents.inc({ ...labels, outcome });
    metrics.duration.observe(labels, ms / 1000);
    const pages = processed?.notifications.length ?? 0;
    if (pages > 0) {
      metrics.notifications.inc({ element_key: raw.elementKey }, pages);
      metrics.eventObjects.inc({ element_key: raw.elementKey }, processed?.events ?? 0);
    }
    const line = {
      instanceId: raw.instanceId,
      elementKey: raw.elementKey,
      rawEventId: raw.rawEventId,
      source: raw.source,
      outcome,
      events: processed?.events ?? 0,
      pages,
      ms: Math.round(ms * 10) / 10,
    };
    if (outcome === 'published' || outcome === 'no_events') this.logger.log(line, 'raw event normalized');
    else if (failure === undefined) this.logger.warn(line, 'raw event dropped');
    else this.logger.warn({ ...line, err: failure instanceof Error ? failure.message : String(failure) }, 'raw event failed');
  }
}

/**
 * What the notification ids derive from. One body can announce different changes: Dropbox
 * sends the same body for every change of an account, so webhook-ingest gives each call the
 * same raw event id. When the adapter read the changes from kept state (Dropbox's cursor), the
 * ids also name that state, so the next change is not taken for a copy of the last; a
 * redelivery before the state moved still gets the same ids.
 */
function pageSourceOf(rawEventId: string, state: Readonly<Record<string, string>>): string {
  const keys = Object.keys(state).sort();
  if (keys.length === 0) return rawEventId;
  const digest = createHash('sha256').update(JSON.stringify(keys.map((key) => [key, state[key]]))).digest('base64url');
  return `${rawEventId}:${digest}`;
}

function dropped(outcome: RawEventOutcome): Processed {
  return { outcome, events: 0, notifications: [] };
}

function permanent(error: Error & { code?: string }): PermanentMessageError {
  return new PermanentMessageError(`${error.code ?? error.name}: ${error.message}`, { cause: error });
}
