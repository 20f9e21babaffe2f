import { EventObject, EventType } from '@connector-events/event-schema';
import { ConnectorInstance } from '../../core/connector-instance';
import { connectorErrors } from '../../core/connector-errors';
import { InboundWebhook, WebhookReply, WebhookRoute } from '../../core/inbound-webhook';
import { NormalizedEvents, WebhookHandler, WebhookNormalizeInput } from '../../core/webhook-handler';
import { EventObjectFactory } from '../../events/event-object-factory';
import { explicitInstanceIds } from '../../webhooks/explicit-instance-ids';
import { safeEqual } from '../../webhooks/signatures';
import { emptyReply } from '../../webhooks/webhook-replies';
import { idText, isRecord, parseWebhookJson } from '../../webhooks/webhook-json';
import { salesforceOrganizationId } from './salesforce-ids';
import { SALESFORCE_PROVIDER_DATA } from './sfdc.descriptor';

/** The shared secret the Apex trigger sends; Salesforce itself signs nothing. */
export const SALESFORCE_WEBHOOK_SECRET_HEADER = 'Element-Webhook-Secret';
/** Instance configuration holding that secret (stored encrypted). */
export const SALESFORCE_WEBHOOK_SECRET_CONFIGURATION_KEY = 'event.webhook.secret';
/** A trigger sees at most 200 records per chunk; more than this is not a trigger. */
export const SALESFORCE_MAX_RECORDS_PER_CALL = 1000;

const UNKNOWN_OBJECT_TYPE = 'unknown';

const EVENT_TYPES: Readonly<Record<string, EventType>> = {
  insert: 'CREATED',
  create: 'CREATED',
  update: 'UPDATED',
  delete: 'DELETED',
  // A record back from the recycle bin exists again for whoever watches.
  undelete: 'CREATED',
};

/**
 * Open Connectors-style Salesforce webhooks: an Apex trigger posts
 * `{"objects":[records], "action":"insert"|"update"|"delete"|"undelete"}` with the target instances
 * in `Element-Instances` and a shared secret in `Element-Webhook-Secret`. No handshake. The
 * records carry their own type (`attributes.type`), id and dates, which is all an event needs.
 */
export class SalesforceWebhook implements WebhookHandler {
  readonly acceptedReply: WebhookReply = emptyReply(200);
  readonly secretConfigurationKeys = [SALESFORCE_WEBHOOK_SECRET_CONFIGURATION_KEY];

  constructor(private readonly events: EventObjectFactory) {}

  handshake(): WebhookReply | undefined {
    return undefined;
  }

  route(request: InboundWebhook): WebhookRoute {
    const body = notification(parseWebhookJson(request.rawBody));
    const organization = bodyOrganizationId(body);
    return { instanceIds: explicitInstanceIds(request), providerKeys: organization ? [`org:${organization}`] : [] };
  }

  instanceKeys(instance: ConnectorInstance): string[] {
    const organization = salesforceOrganizationId(instance.providerData[SALESFORCE_PROVIDER_DATA.organizationId]);
    return organization ? [`org:${organization}`] : [];
  }

  /**
   * The secret compared in constant time; then, when the body names its org, it must be this
   * instance's org: a trigger of one org must not feed another org's instance.
   */
  verify(request: InboundWebhook, instance: ConnectorInstance): void {
    const received = request.headers[SALESFORCE_WEBHOOK_SECRET_HEADER.toLowerCase()];
    if (!received) throw connectorErrors.signatureMissing(SALESFORCE_WEBHOOK_SECRET_HEADER);
    const secret = instance.configuration[SALESFORCE_WEBHOOK_SECRET_CONFIGURATION_KEY] ?? '';
    if (!secret || !safeEqual(secret, received)) throw connectorErrors.signatureInvalid(SALESFORCE_WEBHOOK_SECRET_HEADER);
    const claimed = bodyOrganizationId(notification(parseWebhookJson(request.rawBody)));
    const own = salesforceOrganizationId(instance.providerData[SALESFORCE_PROVIDER_DATA.organizationId]);
    if (claimed && own && claimed !== own) throw connectorErrors.signatureInvalid('the organizationId of the body');
  }

  async initialState(): Promise<Record<string, string>> {
    return {};
  }

  async normalize(input: WebhookNormalizeInput): Promise<NormalizedEvents> {
    const body = notification(input.body);
    const records = body['objects'] as unknown[];
    const eventType = eventTypeOf(body['action']);
    const bodyType = text(body['objectType']);
    const events = records.flatMap((record) => this.toEvent(record, eventType, bodyType, input.receivedAt));
    return { events, raw: body };
  }

  private toEvent(record: unknown, eventType: EventType, bodyType: string | undefined, receivedAt: Date): EventObject[] {
    if (!isRecord(record)) return [];
    const id = idText(record['Id']);
    if (!id) return [];
    const attributes = isRecord(record['attributes']) ? record['attributes'] : {};
    return [
      this.events.create(
        {
          objectType: text(attributes['type']) ?? bodyType ?? UNKNOWN_OBJECT_TYPE,
          objectId: id,
          eventType,
          // A deleted record's dates are those of its last edit, not of the deletion.
          date: eventType === 'DELETED' ? receivedAt : (text(record['LastModifiedDate']) ?? text(record['SystemModstamp'])),
          name: text(record['Name']) ?? text(record['Subject']) ?? text(record['CaseNumber']),
        },
        receivedAt,
      ),
    ];
  }
}

/** The body as a notification: an object whose `objects` is a bounded array. */
function notification(body: unknown): Record<string, unknown> {
  if (!isRecord(body) || !Array.isArray(body['objects'])) {
    throw connectorErrors.payloadInvalid('a Salesforce notification needs "objects", an array of records');
  }
  if (body['objects'].length > SALESFORCE_MAX_RECORDS_PER_CALL) {
    throw connectorErrors.payloadInvalid(`"objects" holds more than ${SALESFORCE_MAX_RECORDS_PER_CALL} records`);
  }
  return body;
}

/** `organizationId` in its 18-character form; absent is fine, malformed is not. */
function bodyOrganizationId(body: Record<string, unknown>): string | undefined {
  const value = body['organizationId'];
  if (value === undefined || value === null) return undefined;
  const organization = salesforceOrganizationId(value);
  if (!organization) {
    throw connectorErrors.payloadInvalid('"organizationId" must be a Salesforce organization id (00D…, 15 or 18 characters)');
  }
  return organization;
}

/**
 * `insert`, `update`, `delete`, `undelete`; trigger code often sends `Trigger.operationType`
 * (`AFTER_INSERT`), so the timing prefix and the case are ignored.
 */
function eventTypeOf(action: unknown): EventType {
  if (typeof action !== 'string') return 'UNKNOWN';
  const operation = action.trim().toLowerCase().replace(/^(?:before|after)_/, '');
  return Object.prototype.hasOwnProperty.call(EVENT_TYPES, operation) ? (EVENT_TYPES[operation] ?? 'UNKNOWN') : 'UNKNOWN';
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}
