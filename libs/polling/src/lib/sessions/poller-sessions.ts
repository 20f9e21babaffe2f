import { MessageBus } from '@connector-events/messaging';
import { InstanceTokenSessions } from '@connector-events/provider-sessions';
import { SecretBox } from '@connector-events/secrets';
import { PollerStore } from '../store/poller-store';

export const TOKENS_REFRESHED_BY = 'poller';

/** Provider sessions for polls and Graph subscription calls, on the poller's own tokens table. */
export function pollerSessions(store: PollerStore, bus: MessageBus, secretBox: SecretBox): InstanceTokenSessions {
  return new InstanceTokenSessions(store, bus, secretBox, { refreshedBy: TOKENS_REFRESHED_BY });
}
