import { MessageBus } from '@connector-events/messaging';
import { InstanceTokenSessions } from '@connector-events/provider-sessions';
import { SecretBox } from '@connector-events/secrets';
import { NormalizerInfrastructureError } from '../normalizing/adapter-failure';
import { NormalizerStore } from '../store/normalizer-store';

export const TOKENS_REFRESHED_BY = 'normalizer';

/**
 * Provider sessions for the adapters that call their provider while normalizing (Dropbox), on
 * the normalizer's own tokens table. A storage or publishing failure during a refresh is the
 * normalizer's own, so it is retried in place rather than taken for a provider outage.
 */
export function normalizerSessions(store: NormalizerStore, bus: MessageBus, secretBox: SecretBox): InstanceTokenSessions {
  return new InstanceTokenSessions(store, bus, secretBox, {
    refreshedBy: TOKENS_REFRESHED_BY,
    infrastructureError: (what, cause) =>
      new NormalizerInfrastructureError(`could not ${what}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause }),
  });
}
