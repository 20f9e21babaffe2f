import { EventObject } from '@connector-events/event-schema';
import { ConnectorInstance } from './connector-instance';
import { InboundWebhook, WebhookReply, WebhookRoute } from './inbound-webhook';
import { ProviderSession } from './provider-session';

/** A webhook body as the normalizer gets it, for one instance. */
export interface WebhookNormalizeInput {
  readonly instance: ConnectorInstance;
  /** The parsed JSON body, or `{ text }` when the body was not JSON. */
  readonly body: unknown;
  readonly headers: Readonly<Record<string, string>>;
  readonly receivedAt: Date;
  /** What earlier calls left in `stateUpdates` (Dropbox's cursor). */
  readonly state: Readonly<Record<string, string>>;
}

export interface NormalizeContext {
  readonly session: ProviderSession;
}

export interface NormalizedEvents {
  readonly events: EventObject[];
  /** The `raw` of the notifications: the provider's body. */
  readonly raw: Record<string, unknown>;
  /** State to store only after the events are published, so a crash replays the same changes. */
  readonly stateUpdates?: Readonly<Record<string, string>>;
}

/** Everything a provider's webhooks need, from handshake to event objects. */
export interface WebhookHandler {
  /** The provider's verification request answered, or undefined when the call is not one. */
  handshake(request: InboundWebhook): WebhookReply | undefined;
  /** Which instances the call is for; throws `webhook_payload_invalid` for a body it cannot read. */
  route(request: InboundWebhook): WebhookRoute;
  /** The keys under which `route` finds this instance. */
  instanceKeys(instance: ConnectorInstance): string[];
  /** Throws a `ConnectorError` unless the call is authentic for this instance. */
  verify(request: InboundWebhook, instance: ConnectorInstance, now: Date): void;
  /** The answer once the call is verified and durably accepted. */
  readonly acceptedReply: WebhookReply;
  /** A provider delivery id to drop duplicates on, when the provider gives one. */
  deliveryId?(request: InboundWebhook): string | undefined;
  /** State to prepare when events are enabled (Dropbox's first cursor); `{}` for most providers. */
  initialState(instance: ConnectorInstance, context: NormalizeContext): Promise<Record<string, string>>;
  /** Turns the body into event objects for one instance; may call the provider's change API. */
  normalize(input: WebhookNormalizeInput, context: NormalizeContext): Promise<NormalizedEvents>;
  /** Configuration keys holding webhook secrets, stored encrypted. */
  readonly secretConfigurationKeys: readonly string[];
  /** Secrets the platform makes up when the instance has none (Graph's `clientState`). */
  readonly generatedSecretKeys?: readonly string[];
}
