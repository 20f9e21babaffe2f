import { Logger } from '@nestjs/common';
import { DeliveryAttemptMessage, FailurePolicy, InstanceRecord, MessageBus, TOPICS } from '@connector-events/messaging';
import { CallbackClient, CallbackResponse } from '../http/callback-client';
import { NotifierMetrics } from '../metrics/notifier-metrics';
import { AttemptDecision, RetrySchedule, decideAfterAttempt } from '../policy/attempt-decision';
import { callbackHeaders } from '../signing/callback-signatures';
import { ClaimedDelivery, DeliveryStore } from '../store/delivery-store';
import { GroupCommit } from '../store/group-commit';
import { NOTIFIER_KEYS, callbackTargetOf, instanceFailurePolicy } from './callback-target';

export interface DeliveryAttempterDeps {
  readonly instances: { get(id: number): InstanceRecord | undefined };
  readonly store: DeliveryStore;
  readonly client: CallbackClient;
  readonly bus: MessageBus;
  readonly metrics: NotifierMetrics;
  readonly schedule: RetrySchedule;
  /** Identifies this process's leases. */
  readonly owner: string;
}

/**
 * Makes one attempt at one claimed delivery: signs the stored body with the instance's current
 * signature key, POSTs it, publishes the attempt to `oc.deliveries.v1`, then records the
 * outcome. Published before recorded: a crash in between repeats the attempt (at least once),
 * never loses it.
 */
export class DeliveryAttempter {
  private readonly logger = new Logger(DeliveryAttempter.name);
  /** Attempts finishing together go to Kafka in one produce request. */
  private readonly published: GroupCommit<DeliveryAttemptMessage>;

  constructor(private readonly deps: DeliveryAttempterDeps) {
    this.published = new GroupCommit((values) => deps.bus.publish(TOPICS.deliveries, values.map((value) => ({ value }))));
  }

  async attempt(delivery: ClaimedDelivery): Promise<void> {
    const { store, owner } = this.deps;
    const record = this.deps.instances.get(delivery.instanceId);
    if (!record || !callbackTargetOf(record)) {
      const reason = record ? 'the instance no longer sends notifications' : 'the instance was deleted';
      await this.publish(delivery, { attempt: delivery.attempts, outcome: 'FAILED', durationMs: 0, error: reason });
      await store.drop(owner, delivery.id, reason);
      return;
    }

    const attempt = delivery.attempts + 1;
    const body = Buffer.from(delivery.body, 'utf8');
    const signatureKey = record.configuration[NOTIFIER_KEYS.signatureKey];
    const attemptedAt = new Date();
    const headers = callbackHeaders({ eventId: delivery.eventId, body, now: attemptedAt, ...(signatureKey ? { signatureKey } : {}) });
    const response = await this.deps.client.post(delivery.callbackUrl, body, headers);
    const delivered = response.statusCode !== undefined && response.statusCode >= 200 && response.statusCode < 300;
    // The policy matters only after a failure: successes cost no read.
    const policy = delivered ? 'retry' : await this.policyFor(delivery, record);
    const decision = decideAfterAttempt({ response, attempt, schedule: this.deps.schedule, policy });

    this.deps.metrics.attempts.inc({ outcome: decision.outcome });
    this.deps.metrics.attemptDuration.observe({ outcome: decision.outcome }, response.durationMs / 1000);
    await this.publish(delivery, {
      attempt,
      outcome: decision.outcome,
      attemptedAt: attemptedAt.toISOString(),
      durationMs: response.durationMs,
      ...(response.statusCode === undefined ? {} : { statusCode: response.statusCode }),
      ...errorOf(response, decision),
      ...(response.body === undefined ? {} : { responseBody: response.body }),
      ...(decision.kind === 'retry' ? { nextAttemptAt: new Date(Date.now() + decision.delayMs).toISOString() } : {}),
    });

    const row = { attempts: attempt, ...(response.statusCode === undefined ? {} : { statusCode: response.statusCode }), ...errorOf(response, decision) };
    if (decision.kind === 'delivered') await store.markDelivered(owner, delivery.id, row);
    else if (decision.kind === 'retry') await store.scheduleRetry(owner, delivery.id, row, decision.delayMs);
    else {
      this.logger.warn({ instanceId: delivery.instanceId, host: delivery.host, reason: decision.reason }, 'callback deactivated; its notifications are queued');
      await store.deactivateAndQueue(owner, delivery, row, decision.reason);
    }
  }

  /** The instance's own setting wins over its account's; `retry` by default. */
  private async policyFor(delivery: ClaimedDelivery, record: InstanceRecord): Promise<FailurePolicy> {
    return instanceFailurePolicy(record) ?? (await this.deps.store.failurePolicy(delivery.organizationId)) ?? 'retry';
  }

  private async publish(delivery: ClaimedDelivery, fields: Partial<DeliveryAttemptMessage> & Pick<DeliveryAttemptMessage, 'attempt' | 'outcome' | 'durationMs'>): Promise<void> {
    const value: DeliveryAttemptMessage = {
      instanceId: delivery.instanceId,
      eventId: delivery.eventId,
      attemptedAt: new Date().toISOString(),
      ...fields,
    };
    await this.published.add(value);
  }
}

function errorOf(response: CallbackResponse, decision: AttemptDecision): { error?: string } {
  const error = response.error ?? (decision.kind === 'deactivate' ? decision.reason : undefined);
  return error === undefined ? {} : { error: error.slice(0, 2048) };
}
