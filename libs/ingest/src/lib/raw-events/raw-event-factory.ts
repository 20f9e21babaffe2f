import { createHash } from 'node:crypto';
import { InboundWebhook } from '@connector-events/connectors';
import { RawEvent } from '@connector-events/event-schema';
import { forwardedHeadersOf } from './forwarded-headers';
import { bodyDigestOf, rawEventIdOf } from './raw-event-id';

/** The `RawEvent` field limits (see its class-validator decorators). */
const MAX_PROVIDER_EVENT_ID_LENGTH = 512;
const MAX_CONTENT_TYPE_LENGTH = 255;

/** One verified provider call, read once, from which each of its instances' raw events is made. */
export interface VerifiedCall {
  readonly elementKey: string;
  readonly request: InboundWebhook;
  readonly rawQuery: string;
  readonly body: Record<string, unknown>;
  readonly receivedAt: Date;
  readonly deliveryId?: string;
}

/**
 * Builds the raw events of one call, one per instance, sharing everything but the instance:
 * the body digest and the forwarded headers are computed once.
 */
export function rawEventsOf(call: VerifiedCall, instanceIds: readonly number[]): RawEvent[] {
  const bodyDigest = bodyDigestOf(call.request.rawBody);
  const headers = forwardedHeadersOf(call.request.headers);
  const query = Object.keys(call.request.query).length > 0 ? { ...call.request.query } : undefined;
  const contentType = call.request.headers['content-type']?.slice(0, MAX_CONTENT_TYPE_LENGTH);
  const providerEventId = boundedProviderEventId(call.deliveryId);
  const receivedAt = call.receivedAt.toISOString();
  return instanceIds.map((instanceId) => ({
    rawEventId: rawEventIdOf({
      elementKey: call.elementKey,
      instanceId,
      method: call.request.method,
      rawQuery: call.rawQuery,
      deliveryId: call.deliveryId,
      bodyDigest,
    }),
    instanceId,
    elementKey: call.elementKey,
    source: 'webhook',
    receivedAt,
    ...(providerEventId !== undefined ? { providerEventId } : {}),
    headers,
    ...(query !== undefined ? { query } : {}),
    ...(contentType !== undefined ? { contentType } : {}),
    body: call.body,
  }));
}

/** Adapters bound their ids; one that is still too long is hashed, so duplicates still match. */
function boundedProviderEventId(deliveryId: string | undefined): string | undefined {
  if (deliveryId === undefined || deliveryId === '') return undefined;
  if (deliveryId.length <= MAX_PROVIDER_EVENT_ID_LENGTH) return deliveryId;
  return `sha256:${createHash('sha256').update(deliveryId, 'utf8').digest('hex')}`;
}
