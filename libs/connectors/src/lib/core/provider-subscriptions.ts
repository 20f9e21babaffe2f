import { ConnectorInstance } from './connector-instance';
import { ProviderSession } from './provider-session';

export interface SubscriptionRequest {
  readonly resource: string;
  readonly changeType: string;
  readonly notificationUrl: string;
  readonly lifecycleNotificationUrl?: string;
  readonly clientState: string;
  readonly expiresAt: Date;
}

export interface ProviderSubscription {
  readonly id: string;
  readonly resource: string;
  readonly expiresAt: string;
}

/** Webhook subscriptions that live at the provider and expire (Microsoft Graph `/subscriptions`). */
export interface ProviderSubscriptions {
  /** The longest lifetime the provider allows for the resource, in minutes. */
  maxLifetimeMinutes(resource: string): number;
  /** The resources subscribed when the instance does not name any (`event.objects`). */
  readonly defaultResources: readonly string[];
  create(instance: ConnectorInstance, session: ProviderSession, request: SubscriptionRequest): Promise<ProviderSubscription>;
  renew(instance: ConnectorInstance, session: ProviderSession, id: string, expiresAt: Date): Promise<ProviderSubscription>;
  /** Deleting a subscription the provider no longer has is not an error. */
  remove(instance: ConnectorInstance, session: ProviderSession, id: string): Promise<void>;
}
