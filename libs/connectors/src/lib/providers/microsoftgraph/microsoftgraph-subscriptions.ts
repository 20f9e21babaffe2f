import { connectorErrors } from '../../core/connector-errors';
import { ConnectorInstance } from '../../core/connector-instance';
import { ProviderSession, withAccessToken } from '../../core/provider-session';
import { ProviderSubscription, ProviderSubscriptions, SubscriptionRequest } from '../../core/provider-subscriptions';
import { GraphSubscription, MicrosoftGraphApi } from './microsoftgraph-api';
import { MICROSOFTGRAPH_MAX_CLIENT_STATE_LENGTH, MICROSOFTGRAPH_WEBHOOK_SECRET_KEY } from './microsoftgraph-configuration';
import { maxSubscriptionLifetimeMinutes } from './microsoftgraph-resources';

/**
 * `/v1.0/subscriptions`: create (Graph first validates the notification and lifecycle URLs,
 * which our webhook `handshake` answers), renew by PATCHing a new expiry, delete. Graph refuses
 * a duplicate `changeType` + `resource` with 409 and an expiry beyond the resource's maximum
 * with 400; both come back as errors with Graph's own message.
 */
export class MicrosoftGraphSubscriptions implements ProviderSubscriptions {
  /** The signed-in user's calendar, mail and contacts: what a delegated instance watches by default. */
  readonly defaultResources = ['me/events', 'me/messages', 'me/contacts'];

  constructor(private readonly api: MicrosoftGraphApi) {}

  maxLifetimeMinutes(resource: string): number {
    return maxSubscriptionLifetimeMinutes(resource);
  }

  async create(_instance: ConnectorInstance, session: ProviderSession, request: SubscriptionRequest): Promise<ProviderSubscription> {
    const body = {
      changeType: required(request.changeType, 'changeType'),
      notificationUrl: absoluteUrl(request.notificationUrl, 'notificationUrl'),
      ...(request.lifecycleNotificationUrl
        ? { lifecycleNotificationUrl: absoluteUrl(request.lifecycleNotificationUrl, 'lifecycleNotificationUrl') }
        : {}),
      resource: required(request.resource, 'resource'),
      expirationDateTime: expiry(request.expiresAt),
      clientState: clientState(request.clientState),
    };
    const created = await withAccessToken(session, (token) => this.api.createSubscription(token, body));
    return subscription(created);
  }

  async renew(_instance: ConnectorInstance, session: ProviderSession, id: string, expiresAt: Date): Promise<ProviderSubscription> {
    const expirationDateTime = expiry(expiresAt);
    const renewed = await withAccessToken(session, (token) => this.api.renewSubscription(token, required(id, 'the subscription id'), expirationDateTime));
    return subscription(renewed);
  }

  async remove(_instance: ConnectorInstance, session: ProviderSession, id: string): Promise<void> {
    await withAccessToken(session, (token) => this.api.deleteSubscription(token, required(id, 'the subscription id')));
  }
}

function subscription(graph: GraphSubscription): ProviderSubscription {
  return { id: graph.id, resource: graph.resource, expiresAt: graph.expirationDateTime };
}

function required(value: string, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw connectorErrors.configurationInvalid(`a Graph subscription needs ${what}`);
  return value;
}

function absoluteUrl(value: string, what: string): string {
  if (!URL.canParse(required(value, what))) {
    throw connectorErrors.configurationInvalid(`the subscription's ${what} is not an absolute URL`);
  }
  return value;
}

function expiry(expiresAt: Date): string {
  if (!(expiresAt instanceof Date) || !Number.isFinite(expiresAt.getTime())) {
    throw connectorErrors.configurationInvalid('a Graph subscription needs a valid expirationDateTime');
  }
  return expiresAt.toISOString();
}

/** Graph sends it back on every notification; the webhook compares it with the instance secret. */
function clientState(value: string): string {
  if (typeof value !== 'string' || value === '' || value.length > MICROSOFTGRAPH_MAX_CLIENT_STATE_LENGTH) {
    throw connectorErrors.configurationInvalid(
      `the subscription's clientState (${MICROSOFTGRAPH_WEBHOOK_SECRET_KEY}) must be 1 to ${MICROSOFTGRAPH_MAX_CLIENT_STATE_LENGTH} characters`,
    );
  }
  return value;
}
