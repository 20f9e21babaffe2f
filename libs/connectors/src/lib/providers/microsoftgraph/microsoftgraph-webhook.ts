import { EventObject, EventType } from '@connector-events/event-schema';
import { ConnectorError } from '../../core/connector-error';
import { connectorErrors } from '../../core/connector-errors';
import { ConnectorInstance } from '../../core/connector-instance';
import { InboundWebhook, WebhookReply, WebhookRoute } from '../../core/inbound-webhook';
import { NormalizedEvents, WebhookHandler, WebhookNormalizeInput } from '../../core/webhook-handler';
import { EventObjectFactory } from '../../events/event-object-factory';
import { explicitInstanceIds } from '../../webhooks/explicit-instance-ids';
import { safeEqual } from '../../webhooks/signatures';
import { emptyReply, textReply } from '../../webhooks/webhook-replies';
import { idText, isRecord, parseWebhookJson } from '../../webhooks/webhook-json';
import { MICROSOFTGRAPH_PROVIDER_DATA, MICROSOFTGRAPH_WEBHOOK_SECRET_KEY } from './microsoftgraph-configuration';
import { notifiedObject } from './microsoftgraph-resources';

/** More than Graph puts in one `changeNotificationCollection`; a larger body is not Graph's. */
const MAX_NOTIFICATIONS_PER_CALL = 1000;
const MAX_SUBSCRIPTION_ID_LENGTH = 256;
const SUBSCRIPTION_KEY_PREFIX = 'subscription:';

const CHANGE_TYPES: ReadonlyMap<string, EventType> = new Map<string, EventType>([
  ['created', 'CREATED'],
  ['updated', 'UPDATED'],
  ['deleted', 'DELETED'],
]);

type Notification = Record<string, unknown>;

/**
 * Microsoft Graph change notifications (basic, without resource data). The notification URL
 * we register carries the instance id in its path, so Graph batches one instance's
 * subscriptions per call; each item also names its `subscriptionId`, which routes calls that
 * lost the path. Basic notifications have no signature: every item carries back the
 * `clientState` the subscription was created with, the instance's `event.webhook.secret`.
 *
 * Rich notifications (`includeResourceData`: `encryptedContent`, and JWT `validationTokens`)
 * are out of scope: the connector never creates them, so their extra fields are ignored and
 * `clientState` still decides.
 */
export class MicrosoftGraphWebhook implements WebhookHandler {
  /** Graph wants a 2xx within 3 s; 202 says "queued", as its docs suggest for deferred work. */
  readonly acceptedReply: WebhookReply = emptyReply(202);
  readonly secretConfigurationKeys = [MICROSOFTGRAPH_WEBHOOK_SECRET_KEY];
  /** The clientState is ours alone: Graph echoes it, nobody types it in. */
  readonly generatedSecretKeys = [MICROSOFTGRAPH_WEBHOOK_SECRET_KEY];

  constructor(private readonly events: EventObjectFactory) {}

  /**
   * Graph validates both the notification and the lifecycle URL by POSTing
   * `?validationToken=<url-encoded token>`: the answer is 200 text/plain with the decoded token,
   * whatever the method. The query map is already decoded.
   */
  handshake(request: InboundWebhook): WebhookReply | undefined {
    const name = Object.keys(request.query).find((key) => key.toLowerCase() === 'validationtoken');
    const token = name === undefined ? undefined : request.query[name];
    return token === undefined ? undefined : textReply(200, token);
  }

  route(request: InboundWebhook): WebhookRoute {
    const keys = new Set<string>();
    notificationsOf(parseWebhookJson(request.rawBody)).forEach((item, i) => {
      const id = item['subscriptionId'];
      if (typeof id !== 'string' || id.trim() === '' || id.length > MAX_SUBSCRIPTION_ID_LENGTH) {
        throw connectorErrors.payloadInvalid(`value[${i}].subscriptionId must be a subscription id`);
      }
      keys.add(`${SUBSCRIPTION_KEY_PREFIX}${id}`);
    });
    return { instanceIds: explicitInstanceIds(request), providerKeys: [...keys] };
  }

  instanceKeys(instance: ConnectorInstance): string[] {
    const ids = instance.providerData[MICROSOFTGRAPH_PROVIDER_DATA.subscriptionIds] ?? '';
    const unique = new Set(ids.split(',').map((id) => id.trim()).filter((id) => id !== ''));
    return [...unique].map((id) => `${SUBSCRIPTION_KEY_PREFIX}${id}`);
  }

  /** Every item must carry the instance's clientState: one forged item taints the whole call. */
  verify(request: InboundWebhook, instance: ConnectorInstance): void {
    const items = notificationsOf(parseWebhookJson(request.rawBody));
    const secret = instance.configuration[MICROSOFTGRAPH_WEBHOOK_SECRET_KEY] ?? '';
    if (secret === '') {
      throw new ConnectorError(
        'webhook_signature_invalid',
        `the instance has no ${MICROSOFTGRAPH_WEBHOOK_SECRET_KEY} to check clientState against`,
        401,
      );
    }
    items.forEach((item, i) => {
      const clientState = item['clientState'];
      if (typeof clientState !== 'string' || clientState === '') {
        throw new ConnectorError('webhook_signature_missing', `value[${i}].clientState is missing`, 401);
      }
      if (!safeEqual(secret, clientState)) throw connectorErrors.signatureInvalid(`value[${i}].clientState`);
    });
  }

  async initialState(): Promise<Record<string, string>> {
    return {};
  }

  /**
   * One event per change notification. Graph gives no time of change, so the date is when the
   * call arrived. Lifecycle notifications (`reauthorizationRequired`, `subscriptionRemoved`,
   * `missed`) are about the subscription, not an object: they yield no event objects and stay
   * in `raw`; renewing (which also reauthorizes) and recreating is the poller's job.
   */
  async normalize(input: WebhookNormalizeInput): Promise<NormalizedEvents> {
    const raw = isRecord(input.body) ? input.body : { body: input.body };
    const events = notificationsOf(input.body).flatMap((item) => this.toEvent(item, input.receivedAt));
    return { events, raw };
  }

  private toEvent(item: Notification, receivedAt: Date): EventObject[] {
    if (item['lifecycleEvent'] !== undefined) return [];
    const data = isRecord(item['resourceData']) ? item['resourceData'] : {};
    const { objectType, objectId } = notifiedObject(
      text(item['resource']),
      text(data['@odata.type']),
      idText(data['id']),
    );
    if (!objectType || !objectId) return [];
    return [this.events.create({ objectType, objectId, eventType: eventTypeOf(item['changeType']) }, receivedAt)];
  }
}

/** `value`, Graph's array of notifications, bounded and with every item an object. */
function notificationsOf(body: unknown): Notification[] {
  const value = isRecord(body) ? body['value'] : undefined;
  if (!Array.isArray(value)) {
    throw connectorErrors.payloadInvalid('a Graph notification needs value, an array of change notifications');
  }
  if (value.length === 0) throw connectorErrors.payloadInvalid('value holds no change notifications');
  if (value.length > MAX_NOTIFICATIONS_PER_CALL) {
    throw connectorErrors.payloadInvalid(`value holds more than ${MAX_NOTIFICATIONS_PER_CALL} change notifications`);
  }
  const bad = value.findIndex((item) => !isRecord(item));
  if (bad !== -1) throw connectorErrors.payloadInvalid(`value[${bad}] is not a change notification object`);
  return value as Notification[];
}

/** One change type maps directly; a comma list (never sent per item, but allowed) or anything else is UNKNOWN. */
function eventTypeOf(changeType: unknown): EventType {
  return (typeof changeType === 'string' && CHANGE_TYPES.get(changeType.trim().toLowerCase())) || 'UNKNOWN';
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
