import { ConnectorInstance } from '../../core/connector-instance';
import { connectorErrors } from '../../core/connector-errors';
import { InboundWebhook, WebhookReply, WebhookRoute } from '../../core/inbound-webhook';
import { NormalizedEvents, WebhookHandler, WebhookNormalizeInput } from '../../core/webhook-handler';
import { explicitInstanceIds } from '../../webhooks/explicit-instance-ids';
import { emptyReply, textReply } from '../../webhooks/webhook-replies';
import { idText, isRecord, parseWebhookJson, readPath } from '../../webhooks/webhook-json';
import { GenericRoutingDefinition, GenericWebhookDefinition } from './generic-connector-definition';
import { GenericEventMapping } from './generic-event-mapping';
import { GenericWebhookSignature } from './generic-webhook-signature';
import { samePath, webhookItems } from './generic-webhook-items';

/** Longer account ids are not ids; they could only bloat the routing lookup. */
const MAX_ACCOUNT_ID_LENGTH = 1024;
const MAX_DELIVERY_ID_LENGTH = 200;

/**
 * Webhooks as a definition describes them: an optional handshake echo, routing by an account id
 * found in the items (or the instance id in the URL), an HMAC check with the instance's secret,
 * and events read from the body itself (no call back to the provider).
 */
export class GenericWebhook implements WebhookHandler {
  readonly acceptedReply: WebhookReply;
  readonly secretConfigurationKeys: readonly string[];
  private readonly signature: GenericWebhookSignature;

  constructor(
    private readonly definition: GenericWebhookDefinition,
    private readonly mapping: GenericEventMapping,
  ) {
    this.acceptedReply = emptyReply(definition.acceptedStatus ?? 200);
    this.secretConfigurationKeys = [definition.signature.secretConfigurationKey];
    this.signature = new GenericWebhookSignature(definition.signature);
  }

  /** `?<queryParameter>=x` with the configured method, echoed as text/plain with nosniff. */
  handshake(request: InboundWebhook): WebhookReply | undefined {
    const handshake = this.definition.handshake;
    if (!handshake || request.method !== (handshake.method ?? 'GET')) return undefined;
    const challenge = request.query[handshake.queryParameter];
    return challenge === undefined ? undefined : textReply(200, challenge);
  }

  route(request: InboundWebhook): WebhookRoute {
    const body = parseWebhookJson(request.rawBody);
    const instanceIds = explicitInstanceIds(request);
    const routing = this.definition.routing;
    if (!routing) return { instanceIds, providerKeys: [] };
    const items = webhookItems(body, routing.itemsPath, 'webhook.routing.itemsPath');
    const accounts = new Set(items.flatMap((item) => accountOf(item, routing) ?? []));
    if (accounts.size === 0 && instanceIds.length === 0) {
      const where = routing.itemsPath ? `the items at "${routing.itemsPath}"` : 'the body';
      throw connectorErrors.payloadInvalid(`${where} name no account: "${routing.accountField}" is missing (webhook.routing.accountField)`);
    }
    return { instanceIds, providerKeys: [...accounts].map((account) => providerKey(routing, account)) };
  }

  instanceKeys(instance: ConnectorInstance): string[] {
    const routing = this.definition.routing;
    const account = routing ? instance.providerData[routing.instanceDataKey] : undefined;
    return routing && account ? [providerKey(routing, account)] : [];
  }

  verify(request: InboundWebhook, instance: ConnectorInstance, now: Date): void {
    this.signature.verify(request, instance, now);
  }

  deliveryId(request: InboundWebhook): string | undefined {
    const header = this.definition.deliveryIdHeader;
    const id = header ? request.headers[header.toLowerCase()]?.trim() : undefined;
    return id && id.length <= MAX_DELIVERY_ID_LENGTH ? id : undefined;
  }

  async initialState(): Promise<Record<string, string>> {
    return {};
  }

  async normalize(input: WebhookNormalizeInput): Promise<NormalizedEvents> {
    const raw = isRecord(input.body) ? input.body : { body: input.body };
    const items = webhookItems(input.body, this.definition.events.itemsPath, 'webhook.events.itemsPath');
    const events = this.mapping.toEvents(items.filter((item) => this.isFor(item, input.instance)), input.receivedAt);
    return { events, raw };
  }

  /**
   * One call may carry several accounts' events when the routed items are the events: each
   * instance keeps the items that name its account or none. Otherwise routing was done on the
   * envelope and every event is the instance's.
   */
  private isFor(item: Record<string, unknown>, instance: ConnectorInstance): boolean {
    const routing = this.definition.routing;
    if (!routing || !samePath(routing.itemsPath, this.definition.events.itemsPath)) return true;
    const own = instance.providerData[routing.instanceDataKey];
    // Unbounded here: an over-long account id is simply not this instance's.
    const named = idText(readPath(item, routing.accountField));
    return !own || named === undefined || named === own;
  }
}

function accountOf(item: Record<string, unknown>, routing: GenericRoutingDefinition): string | undefined {
  const account = idText(readPath(item, routing.accountField));
  return account !== undefined && account.length <= MAX_ACCOUNT_ID_LENGTH ? account : undefined;
}

function providerKey(routing: GenericRoutingDefinition, account: string): string {
  return `${routing.instanceDataKey}:${account}`;
}
