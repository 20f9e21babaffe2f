import { ConnectorDescriptor } from './connector-descriptor';
import { ProviderSubscriptions } from './provider-subscriptions';
import { PollingDefinitions } from '../polling/polling-definitions';
import { OAuthFlow } from './provider-tokens';
import { WebhookHandler } from './webhook-handler';

/** One provider, behind one interface: OAuth, webhooks, polling and (Graph) subscriptions. */
export interface ConnectorAdapter {
  readonly descriptor: ConnectorDescriptor;
  readonly oauth: OAuthFlow;
  readonly webhook?: WebhookHandler;
  readonly polling?: PollingDefinitions;
  /** For providers whose webhooks must be subscribed through their API (Microsoft Graph). */
  readonly subscriptions?: ProviderSubscriptions;
}
