/** Providers' batches can be large (HubSpot, QuickBooks, Graph send up to a few MiB); 5 MiB covers them. */
export const DEFAULT_WEBHOOK_MAX_BODY_BYTES = 5 * 1024 * 1024;
/** Below this even a handshake or a one-event batch may not fit. */
export const MIN_WEBHOOK_BODY_BYTES = 1024;
/** Every accepted body is held in memory and written to Kafka whole; more than this is not a webhook. */
export const MAX_WEBHOOK_BODY_BYTES = 64 * 1024 * 1024;

/**
 * The largest Kafka record the topics take (`max.message.bytes`): a raw event carries the whole
 * provider body, and each notification page repeats it, so the broker's 1 MiB default would
 * refuse bodies the HTTP limit accepts. Twice the body leaves room for JSON escaping and the
 * event objects; never below 16 MiB.
 */
export function kafkaMaxMessageBytesFor(webhookMaxBodyBytes: number): number {
  return Math.max(16 * 1024 * 1024, 2 * webhookMaxBodyBytes + 1024 * 1024);
}
