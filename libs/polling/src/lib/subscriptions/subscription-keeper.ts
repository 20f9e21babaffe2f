import { Logger } from '@nestjs/common';
import { API_BASE_PATH } from '@connector-events/config';
import {
  ConnectorError,
  ConnectorRegistry,
  MICROSOFTGRAPH_WEBHOOK_SECRET_KEY,
  ProviderSession,
  ProviderSubscription,
  ProviderSubscriptions,
  encodeInstanceSegment,
} from '@connector-events/connectors';
import { InstanceRecord, InstanceView } from '@connector-events/messaging';
import { PollerMetrics } from '../metrics/poller-metrics';
import { ResolvedPollingOptions } from '../polling-options';
import { isSubscribed } from '../schedule/polling-target';
import { InstanceTokenSessions } from '@connector-events/provider-sessions';
import { ClaimedSubscription, PollerStore, SubscriptionOutcome } from '../store/poller-store';
import { subscriptionResourcesOf } from './subscription-targets';

/** Graph's change types for basic notifications. */
const CHANGE_TYPE = 'created,updated,deleted';
/** Graph's 409 for a duplicate names the subscription that exists: "Subscription Id <id> already exists…". */
export function existingSubscriptionId(message: string): string | undefined {
  return / 409 .*Subscription Id ([0-9A-Za-z-]{8,64}) already exists/.exec(message)?.[1];
}

/** The longest a failing subscription call waits before it is tried again. */
const MAX_RETRY_WAIT_MS = 3_600_000;

export interface SubscriptionKeeperOptions {
  readonly publicBaseUrl: string;
  /** Lifetime asked for; the provider's maximum for the resource when absent (tests shorten it). */
  readonly lifetimeMs?: number;
}

/**
 * Provider webhook subscriptions (Microsoft Graph) for instances with events enabled: created
 * with the notification and lifecycle URLs on webhook-ingest (`PUBLIC_BASE_URL`) and the
 * instance's secret `clientState`, renewed when three quarters of their lifetime has passed,
 * created again after a `subscriptionRemoved` lifecycle notification, deleted when events are
 * disabled or the instance is deleted. The wanted state is in the database; this runs the
 * due rows, leased like polls, so processes share the work.
 */
export class SubscriptionKeeper {
  private readonly logger = new Logger(SubscriptionKeeper.name);
  /** The last record of each subscribed instance, for deleting its subscriptions after a tombstone. */
  private readonly lastKnown = new Map<number, InstanceRecord>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;

  constructor(
    private readonly store: PollerStore,
    private readonly view: InstanceView,
    private readonly connectors: ConnectorRegistry,
    private readonly sessions: InstanceTokenSessions,
    private readonly metrics: PollerMetrics,
    private readonly options: ResolvedPollingOptions,
    private readonly keeper: SubscriptionKeeperOptions,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** An instance change: what it wants subscribed now (nothing when disabled or deleted). */
  async apply(id: number, record: InstanceRecord | undefined): Promise<void> {
    const previous = this.lastKnown.get(id);
    const adapter = record ? this.connectors.find(record.elementKey) : undefined;
    const inScope = !!record && (this.options.instanceTag === undefined || record.tags.includes(this.options.instanceTag));
    if (record && inScope && isSubscribed(record, adapter)) {
      this.lastKnown.set(id, record);
      await this.store.wantSubscriptions(this.options.scope, id, record.version, record.elementKey, subscriptionResourcesOf(record, adapter));
    } else if (!record || previous || adapter?.subscriptions) {
      if (record) this.lastKnown.set(id, record);
      // A tombstone has no version: any later one would be a new instance, so it wins over all.
      await this.store.wantSubscriptions(this.options.scope, id, record?.version ?? 2 ** 31 - 1, record?.elementKey ?? previous?.elementKey ?? '', []);
    }
  }

  /**
   * After the view caught up: subscriptions of instances it does not hold were deleted while no
   * process read the tombstone. They are marked unwanted (deleted at the provider if this
   * process still knows how, else left to expire). Rows made after `startedAt` may belong to
   * instances this view has not reached yet, so they stay.
   */
  async reconcile(startedAt: Date): Promise<void> {
    const stale = (await this.store.subscribedInstances(this.options.scope, startedAt)).filter((id) => !this.view.get(id));
    for (const id of stale) await this.store.wantSubscriptions(this.options.scope, id, 2 ** 31 - 1, '', []);
    if (stale.length > 0) this.logger.log({ instances: stale.length }, 'subscriptions of deleted instances marked for deletion');
  }

  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.tick(), this.options.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.stopped || this.running) return;
    this.running = this.runDue()
      .catch((error: unknown) => this.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not run due subscriptions'))
      .finally(() => (this.running = undefined));
  }

  private async runDue(): Promise<void> {
    const claims = await this.store.claimDueSubscriptions(this.options.scope, this.options.concurrencyPerProvider, this.options.leaseMs);
    await Promise.all(claims.map(async (claim) => this.store.finishSubscription(this.options.scope, claim, await this.run(claim))));
  }

  private async run(claim: ClaimedSubscription): Promise<SubscriptionOutcome> {
    const record = this.view.get(claim.instanceId) ?? this.lastKnown.get(claim.instanceId);
    const adapter = record ? this.connectors.find(record.elementKey) : undefined;
    const subscriptions = adapter?.subscriptions;
    const now = this.clock();
    if (!record || !adapter || !subscriptions) {
      if (!claim.wanted) {
        // Deleted before this process ever saw it: nothing to call the provider with; Graph lets it expire.
        this.logger.warn({ instanceId: claim.instanceId, subscriptionId: claim.subscriptionId }, 'cannot delete the subscription of an instance this process never saw; it will expire');
        return { kind: 'removed' };
      }
      return this.retry(claim, now);
    }
    const action = !claim.wanted ? 'delete' : claim.subscriptionId ? 'renew' : 'create';
    try {
      const session = await this.sessions.open(record, adapter);
      if (action === 'delete') {
        if (claim.subscriptionId) await subscriptions.remove(record, session, claim.subscriptionId);
        this.metrics.subscriptions.labels(record.elementKey, action, 'ok').inc();
        this.lastKnownCleanup(claim.instanceId);
        return { kind: 'removed' };
      }
      const lifetimeMs = this.keeper.lifetimeMs ?? subscriptions.maxLifetimeMinutes(claim.resource) * 60_000;
      const expiresAt = new Date(now.getTime() + lifetimeMs);
      let result: ProviderSubscription;
      if (claim.subscriptionId) {
        try {
          result = await subscriptions.renew(record, session, claim.subscriptionId, expiresAt);
        } catch (error) {
          // Gone at the provider (expired, or removed without a lifecycle call): create it again.
          if (!(error instanceof ConnectorError) || error.retryable) throw error;
          this.logger.warn({ instanceId: claim.instanceId, err: error.message }, 'could not renew the subscription; creating it again');
          result = await this.create(record, session, subscriptions, claim.resource, expiresAt);
        }
      } else {
        result = await this.create(record, session, subscriptions, claim.resource, expiresAt);
      }
      this.metrics.subscriptions.labels(record.elementKey, action, 'ok').inc();
      const granted = Date.parse(result.expiresAt);
      const until = Number.isFinite(granted) ? granted : expiresAt.getTime();
      this.logger.log({ instanceId: claim.instanceId, resource: claim.resource, subscriptionId: result.id, action }, 'provider subscription active');
      return { kind: 'active', subscriptionId: result.id, expiresAt: new Date(until), renewAt: new Date(now.getTime() + (until - now.getTime()) * 0.75) };
    } catch (error) {
      this.metrics.subscriptions.labels(record.elementKey, action, 'failed').inc();
      this.logger.warn({ instanceId: claim.instanceId, resource: claim.resource, action, err: error instanceof Error ? error.message : String(error) }, 'provider subscription call failed');
      return this.retry(claim, now);
    }
  }

  /**
   * Creates the subscription; one Graph already holds for this app, user, resource and change
   * types (created by a process that crashed before storing it) is taken over by renewing it,
   * since Graph refuses a duplicate with 409 and names the existing one.
   */
  private async create(record: InstanceRecord, session: ProviderSession, subscriptions: ProviderSubscriptions, resource: string, expiresAt: Date): Promise<ProviderSubscription> {
    try {
      return await subscriptions.create(record, session, this.request(record, resource, expiresAt));
    } catch (error) {
      const existing = error instanceof ConnectorError ? existingSubscriptionId(error.message) : undefined;
      if (!existing) throw error;
      this.logger.warn({ instanceId: record.id, resource, subscriptionId: existing }, 'the subscription already existed at the provider; taking it over');
      return subscriptions.renew(record, session, existing, expiresAt);
    }
  }

  private request(record: InstanceRecord, resource: string, expiresAt: Date) {
    const url = `${this.keeper.publicBaseUrl.replace(/\/+$/, '')}/${API_BASE_PATH}/events/${record.elementKey}/${encodeInstanceSegment(record.id)}`;
    return {
      resource,
      changeType: CHANGE_TYPE,
      notificationUrl: url,
      lifecycleNotificationUrl: url,
      clientState: record.configuration[MICROSOFTGRAPH_WEBHOOK_SECRET_KEY] ?? '',
      expiresAt,
    };
  }

  private retry(claim: ClaimedSubscription, now: Date): SubscriptionOutcome {
    const failures = claim.failures + 1;
    const wait = Math.min(MAX_RETRY_WAIT_MS, Math.max(1_000, this.options.minuteMs / 4) * 2 ** Math.min(failures - 1, 16));
    return { kind: 'retry', at: new Date(now.getTime() + wait), failures };
  }

  private lastKnownCleanup(instanceId: number): void {
    const record = this.view.get(instanceId);
    if (!record) this.lastKnown.delete(instanceId);
  }
}
