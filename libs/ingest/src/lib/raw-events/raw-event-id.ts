import { createHash } from 'node:crypto';

export interface RawEventIdentity {
  /** The connector's own key (never an alias), so both spellings give one id. */
  readonly elementKey: string;
  readonly instanceId: number;
  readonly method: string;
  /** The query string exactly as called, without `?`. */
  readonly rawQuery: string;
  /** The adapter's delivery id, when the provider gives one. */
  readonly deliveryId?: string;
  /** Hex SHA-256 of the body bytes: names the call when there is no delivery id. */
  readonly bodyDigest: string;
}

/**
 * The same provider call for the same instance always gets the same id, however often the
 * provider retries it (a retry we answered 503, or one whose 2xx was lost), so the normalizer
 * can drop repeats. A delivery id, when the provider gives one, names the call better than
 * the body (QuickBooks may resend the same changes in another order).
 */
export function rawEventIdOf(identity: RawEventIdentity): string {
  const call = identity.deliveryId !== undefined ? `delivery:${identity.deliveryId}` : `body:${identity.bodyDigest}`;
  const canonical = JSON.stringify([identity.elementKey, identity.instanceId, call, identity.method, identity.rawQuery]);
  return createHash('sha256').update(canonical, 'utf8').digest('base64url');
}

export function bodyDigestOf(rawBody: Buffer): string {
  return createHash('sha256').update(rawBody).digest('hex');
}
