import { createHash } from 'node:crypto';
import { ProviderTokens } from '@connector-events/connectors';
import { InstanceRecord, openInstanceTokens } from '@connector-events/messaging';
import { SecretBox } from '@connector-events/secrets';
import { StoredTokens } from './refreshed-tokens-store';

export interface ChosenTokens {
  readonly tokens: ProviderTokens;
  /** Whether they are the service's own refreshed tokens rather than the snapshot's. */
  readonly own: boolean;
}

export function tokenFingerprint(accessToken: string): string {
  return createHash('sha256').update(accessToken).digest('hex');
}

/** The instance snapshot's tokens, as a provider session takes them. */
export function snapshotTokens(record: InstanceRecord): ProviderTokens {
  return {
    accessToken: record.tokens.accessToken ?? '',
    ...(record.tokens.refreshToken ? { refreshToken: record.tokens.refreshToken } : {}),
    ...(record.tokens.expiresAt ? { expiresAt: record.tokens.expiresAt } : {}),
    tokenType: 'bearer',
    providerData: record.providerData,
  };
}

/**
 * A service's own refreshed tokens win while the snapshot still shows the access token
 * they replaced: instance-service has not recorded them yet (or a snapshot of another change
 * overtook the recording). Once the snapshot shows anything else — these tokens, or newer ones
 * another service refreshed, or a new authorization — the snapshot is the truth.
 */
export function chooseTokens(record: InstanceRecord, stored: StoredTokens | undefined, secretBox: SecretBox): ChosenTokens {
  const snapshot = snapshotTokens(record);
  if (!stored || tokenFingerprint(snapshot.accessToken) !== stored.replacedAccessToken) return { tokens: snapshot, own: false };
  const opened = openInstanceTokens(secretBox, record.id, stored.sealedTokens);
  return {
    own: true,
    tokens: {
      accessToken: opened.accessToken,
      ...(opened.refreshToken ? { refreshToken: opened.refreshToken } : {}),
      ...(stored.expiresAt ? { expiresAt: stored.expiresAt } : {}),
      tokenType: 'bearer',
      providerData: { ...record.providerData, ...stored.providerData },
    },
  };
}
