import { createHash } from 'node:crypto';
import { FAILURE_POLICIES, FailurePolicy, InstanceRecord } from '@connector-events/messaging';

/** Open Connectors configuration keys the notifier reads from the instance. */
export const NOTIFIER_KEYS = {
  callbackUrl: 'event.notification.callback.url',
  signatureKey: 'event.notification.signature.key',
  failurePolicy: 'notification.webhook.failure.policy',
} as const;

/** Where an instance's notifications go, when it wants them. */
export interface CallbackTarget {
  readonly url: string;
  readonly host: string;
  /** Identifies the callback within its organization: deactivation and queueing are per callback. */
  readonly callbackId: string;
}

export function callbackIdOf(organizationId: number, url: string): string {
  return createHash('sha256').update(`${organizationId}\n${url}`).digest('hex');
}

/** The instance's callback, or undefined when it has notifications off or no usable http(s) URL. */
export function callbackTargetOf(record: InstanceRecord): CallbackTarget | undefined {
  // eventsEnabled is instance-service's reading of event.notification.enabled.
  if (!record.eventsEnabled) return undefined;
  const url = record.configuration[NOTIFIER_KEYS.callbackUrl]?.trim();
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
  return { url, host: parsed.host.toLowerCase().slice(0, 255), callbackId: callbackIdOf(record.organizationId, url) };
}

/** The instance's own `notification.webhook.failure.policy`, when it sets a valid one. */
export function instanceFailurePolicy(record: InstanceRecord | undefined): FailurePolicy | undefined {
  const value = record?.configuration[NOTIFIER_KEYS.failurePolicy]?.trim().toLowerCase();
  return (FAILURE_POLICIES as readonly string[]).includes(value ?? '') ? (value as FailurePolicy) : undefined;
}
