import { EventObject, EventType } from '@connector-events/event-schema';
import { ConnectorInstance, OAUTH_CONFIGURATION_KEYS } from '../../core/connector-instance';
import { connectorErrors } from '../../core/connector-errors';
import { InboundWebhook, WebhookReply, WebhookRoute } from '../../core/inbound-webhook';
import { NormalizedEvents, WebhookHandler, WebhookNormalizeInput } from '../../core/webhook-handler';
import { EventObjectFactory } from '../../events/event-object-factory';
import { explicitInstanceIds } from '../../webhooks/explicit-instance-ids';
import { emptyReply } from '../../webhooks/webhook-replies';
import { idText, isRecord, parseWebhookJson } from '../../webhooks/webhook-json';
import { hubSpotObjectBySubscriptionPrefix, hubSpotObjectByTypeId } from './hubspot-objects';
import { verifyHubSpotSignature } from './hubspot-signature';

/** HubSpot sends fewer than 100 events a call; far more is not HubSpot. */
const MAX_EVENTS_PER_CALL = 1000;
const HUB_ID = 'hub_id';

/**
 * HubSpot posts a JSON array, but `raw` (and the raw-event body) must be a JSON object, and
 * Open Connectors documents no wrapper of its own: the array goes under `payload`.
 */
export const HUBSPOT_RAW_EVENTS_FIELD = 'payload';

const EVENT_TYPES: Readonly<Record<string, EventType>> = {
  creation: 'CREATED',
  restore: 'CREATED',
  propertyChange: 'UPDATED',
  merge: 'UPDATED',
  associationChange: 'UPDATED',
  deletion: 'DELETED',
  privacyDeletion: 'DELETED',
};

/**
 * HubSpot app webhooks: no handshake; one target URL for every installing portal, so each
 * event names its `portalId`; signed with the app's client secret (v3, else v1/v2). The events
 * carry the object id and what happened, which is all an event object needs. There is no
 * `deliveryId`: `eventId` is per event and, HubSpot says, not guaranteed to be unique.
 */
export class HubSpotWebhook implements WebhookHandler {
  readonly acceptedReply: WebhookReply = emptyReply(200);
  readonly secretConfigurationKeys = [OAUTH_CONFIGURATION_KEYS.clientSecret];

  constructor(private readonly events: EventObjectFactory) {}

  handshake(): WebhookReply | undefined {
    return undefined;
  }

  route(request: InboundWebhook): WebhookRoute {
    const events = hubSpotEvents(parseWebhookJson(request.rawBody));
    const portals = new Set<string>();
    events.forEach((event, index) => {
      const portal = event['portalId'];
      if (portal === undefined) return;
      const id = idText(portal);
      if (!id || !/^\d{1,20}$/.test(id)) {
        throw connectorErrors.payloadInvalid(`event [${index}].portalId must be a HubSpot portal id (digits)`);
      }
      portals.add(id);
    });
    return { instanceIds: explicitInstanceIds(request), providerKeys: [...portals].map((portal) => `portal:${portal}`) };
  }

  instanceKeys(instance: ConnectorInstance): string[] {
    const hubId = instance.providerData[HUB_ID];
    return hubId ? [`portal:${hubId}`] : [];
  }

  verify(request: InboundWebhook, instance: ConnectorInstance, now: Date): void {
    verifyHubSpotSignature(request, instance.configuration[OAUTH_CONFIGURATION_KEYS.clientSecret] ?? '', now);
  }

  async initialState(): Promise<Record<string, string>> {
    return {};
  }

  /** Only the instance's own portal's events: one call may carry several portals of the app. */
  async normalize(input: WebhookNormalizeInput): Promise<NormalizedEvents> {
    const events = hubSpotEvents(input.body);
    const hubId = input.instance.providerData[HUB_ID];
    const seen = new Set<string>();
    const objects: EventObject[] = [];
    for (const event of events) {
      if (hubId && idText(event['portalId']) !== hubId) continue;
      const object = this.toEvent(event, input.receivedAt);
      if (!object) continue;
      // A property change per property: identical event objects say nothing new.
      const key = JSON.stringify([object.objectType, object.objectId, object.eventType, object.date]);
      if (seen.has(key)) continue;
      seen.add(key);
      objects.push(object);
    }
    return { events: objects, raw: { [HUBSPOT_RAW_EVENTS_FIELD]: events } };
  }

  private toEvent(event: Record<string, unknown>, receivedAt: Date): EventObject | undefined {
    const subscriptionType = event['subscriptionType'];
    if (typeof subscriptionType !== 'string') return undefined;
    const dot = subscriptionType.indexOf('.');
    if (dot <= 0) return undefined;
    const prefix = subscriptionType.slice(0, dot);
    const action = subscriptionType.slice(dot + 1);
    const objectType = objectTypeOf(prefix, event['objectTypeId']);
    const objectId = idText(event['objectId']) ?? (action === 'associationChange' ? idText(event['fromObjectId']) : undefined);
    if (!objectType || !objectId) return undefined;
    const occurredAt = event['occurredAt'];
    return this.events.create(
      {
        objectType,
        objectId,
        eventType: Object.hasOwn(EVENT_TYPES, action) ? (EVENT_TYPES[action] ?? 'UNKNOWN') : 'UNKNOWN',
        date: typeof occurredAt === 'number' || typeof occurredAt === 'string' ? occurredAt : undefined,
      },
      receivedAt,
    );
  }
}

/**
 * The events of a body: the array HubSpot sent, or that array under `payload` (how it is kept
 * wherever a JSON object is required). Anything else is not a HubSpot webhook.
 */
function hubSpotEvents(body: unknown): Record<string, unknown>[] {
  const events = isRecord(body) && Array.isArray(body[HUBSPOT_RAW_EVENTS_FIELD]) ? body[HUBSPOT_RAW_EVENTS_FIELD] : body;
  if (!Array.isArray(events)) throw connectorErrors.payloadInvalid('a HubSpot webhook body must be a JSON array of events');
  if (events.length > MAX_EVENTS_PER_CALL) {
    throw connectorErrors.payloadInvalid(`the body holds ${events.length} events; at most ${MAX_EVENTS_PER_CALL} are accepted`);
  }
  events.forEach((event: unknown, index) => {
    if (!isRecord(event)) throw connectorErrors.payloadInvalid(`event [${index}] is not a JSON object`);
  });
  return events as Record<string, unknown>[];
}

/**
 * `contact` → `contacts`…; generic `object.*` events name the type in `objectTypeId` (`0-1`).
 * Types this connector does not list (custom objects, conversations) keep HubSpot's own name,
 * so their events still reach the client.
 */
function objectTypeOf(prefix: string, objectTypeId: unknown): string | undefined {
  if (prefix === 'object') {
    const typeId = idText(objectTypeId);
    if (!typeId) return undefined;
    return hubSpotObjectByTypeId(typeId)?.name ?? typeId;
  }
  return hubSpotObjectBySubscriptionPrefix(prefix)?.name ?? prefix;
}
