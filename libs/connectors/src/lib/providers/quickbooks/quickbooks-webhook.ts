import { EventObject } from '@connector-events/event-schema';
import { ConnectorError } from '../../core/connector-error';
import { connectorErrors } from '../../core/connector-errors';
import { ConnectorInstance } from '../../core/connector-instance';
import { InboundWebhook, WebhookReply, WebhookRoute } from '../../core/inbound-webhook';
import { NormalizedEvents, WebhookHandler, WebhookNormalizeInput } from '../../core/webhook-handler';
import { EventObjectFactory } from '../../events/event-object-factory';
import { explicitInstanceIds } from '../../webhooks/explicit-instance-ids';
import { hmacDigest, safeEqual, sha256Hex } from '../../webhooks/signatures';
import { isRecord, parseWebhookJson } from '../../webhooks/webhook-json';
import { emptyReply } from '../../webhooks/webhook-replies';
import { objectTypeOf } from './quickbooks-entities';
import { QuickBooksChange, readNotification } from './quickbooks-notifications';
import { realmIdOf, realmKey } from './quickbooks-realm';

/**
 * The instance configuration key holding the app's webhook Verifier Token (developer portal,
 * per environment). Intuit signs with it, not with the OAuth client secret.
 */
export const QUICKBOOKS_VERIFIER_TOKEN_KEY = 'webhook.verifier.token';

const SIGNATURE_HEADER = 'intuit-signature';

/**
 * QuickBooks webhooks name the company (`realmId` / `intuitaccountid`) and the changed
 * entities; one delivery may cover several companies. No handshake; the body is signed as
 * base64 HMAC-SHA256 keyed with the verifier token. The entity ids are enough for event objects,
 * so no API call is made.
 */
export class QuickBooksWebhook implements WebhookHandler {
  /** Intuit wants a 200 within 3 s, and holds later events until one is acknowledged. */
  readonly acceptedReply: WebhookReply = emptyReply(200);
  readonly secretConfigurationKeys = [QUICKBOOKS_VERIFIER_TOKEN_KEY];

  constructor(private readonly events: EventObjectFactory) {}

  handshake(): WebhookReply | undefined {
    return undefined;
  }

  route(request: InboundWebhook): WebhookRoute {
    const { changes } = readNotification(parseWebhookJson(request.rawBody));
    const realms = new Set(changes.flatMap((change) => (change.realmId ? [change.realmId] : [])));
    return { instanceIds: explicitInstanceIds(request), providerKeys: [...realms].map(realmKey) };
  }

  instanceKeys(instance: ConnectorInstance): string[] {
    const realmId = realmIdOf(instance.providerData);
    return realmId ? [realmKey(realmId)] : [];
  }

  verify(request: InboundWebhook, instance: ConnectorInstance): void {
    const received = request.headers[SIGNATURE_HEADER];
    if (!received) throw connectorErrors.signatureMissing(SIGNATURE_HEADER);
    const token = instance.configuration[QUICKBOOKS_VERIFIER_TOKEN_KEY];
    if (!token) {
      throw new ConnectorError(
        'webhook_signature_invalid',
        `instance ${instance.id} has no QuickBooks webhook verifier token (${QUICKBOOKS_VERIFIER_TOKEN_KEY}), so ${SIGNATURE_HEADER} cannot be checked`,
        401,
      );
    }
    const expected = hmacDigest('sha256', token, request.rawBody, 'base64');
    if (!safeEqual(expected, received.trim())) throw connectorErrors.signatureInvalid(SIGNATURE_HEADER);
  }

  /**
   * Intuit retries a delivery it did not see acknowledged, with the same changes. A delivery is
   * named by the set of its changes: CloudEvents `source`+`id` pairs, or for legacy bodies (which
   * have no ids) the realm/entity/id/operation/lastUpdated tuples. The set is hashed so the id
   * is short, and sorted so a retry that reorders the changes is still recognized. A body the
   * adapter cannot read, or a CloudEvent without an id, gets no delivery id: nothing is dropped.
   */
  deliveryId(request: InboundWebhook): string | undefined {
    let format: string;
    let keys: (string | undefined)[];
    try {
      const notification = readNotification(parseWebhookJson(request.rawBody));
      format = notification.format;
      keys = notification.changes.map((change) => change.dedupeKey);
    } catch {
      return undefined;
    }
    if (keys.length === 0 || keys.some((key) => key === undefined)) return undefined;
    return `${format}:${sha256Hex([...new Set(keys)].sort().join('\n'))}`;
  }

  async initialState(): Promise<Record<string, string>> {
    return {};
  }

  async normalize(input: WebhookNormalizeInput): Promise<NormalizedEvents> {
    const { changes } = readNotification(input.body);
    // One delivery can cover several companies; an instance only hears about its own.
    const realmId = realmIdOf(input.instance.providerData);
    const own = realmId ? changes.filter((change) => change.realmId === realmId) : changes;
    return { events: own.flatMap((change) => this.toEvents(change, input.receivedAt)), raw: rawOf(input.body) };
  }

  /** A merge also removes the loser: its id gets a DELETED event of its own. */
  private toEvents(change: QuickBooksChange, receivedAt: Date): EventObject[] {
    const objectType = objectTypeOf(change.entityName);
    if (!objectType || !change.entityId) return [];
    const events = [
      this.events.create({ objectType, objectId: change.entityId, eventType: change.eventType, date: change.date }, receivedAt),
    ];
    if (change.mergedAwayId && change.mergedAwayId !== change.entityId) {
      events.push(
        this.events.create({ objectType, objectId: change.mergedAwayId, eventType: 'DELETED', date: change.date }, receivedAt),
      );
    }
    return events;
  }
}

/**
 * `raw` must be a JSON object, and a CloudEvents body is an array: it is kept whole under
 * `payload`, so consumers still see exactly what Intuit sent.
 */
function rawOf(body: unknown): Record<string, unknown> {
  return isRecord(body) ? body : { payload: body };
}
