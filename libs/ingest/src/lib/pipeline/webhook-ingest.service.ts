import { Logger } from '@nestjs/common';
import {
  ConnectorAdapter,
  ConnectorRegistry,
  InboundWebhook,
  WebhookHandler,
  WebhookReply,
  WebhookRoute,
  isConnectorError,
} from '@connector-events/connectors';
import { InstanceRecord } from '@connector-events/messaging';
import { RawEventPublisher } from '../publishing/raw-event-publisher';
import { rawEventBodyOf } from '../raw-events/raw-event-body';
import { rawEventsOf } from '../raw-events/raw-event-factory';
import { WebhookInstanceDirectory } from '../routing/webhook-instance-directory';
import { IngestOutcome, IngestRejection } from './ingest-rejection';

/** One provider call as the HTTP layer hands it over. */
export interface ProviderCall {
  /** As called; an alias finds its connector too. */
  readonly elementKey: string;
  readonly request: InboundWebhook;
  /** The query string exactly as called, without `?` (part of the raw event id). */
  readonly rawQuery: string;
  readonly receivedAt: Date;
}

/** A connector that receives webhooks, with its handler at hand. */
export interface WebhookConnector {
  readonly adapter: ConnectorAdapter;
  readonly webhook: WebhookHandler;
}

export interface IngestAnswer {
  /** The connector's own key. */
  readonly elementKey: string;
  readonly outcome: Extract<IngestOutcome, 'accepted' | 'handshake'>;
  readonly reply: WebhookReply;
  readonly instanceIds: readonly number[];
}

/**
 * webhook-ingest's one job, in the order that matters: the connector's handshake first (any
 * method, before the body is parsed), then routing, then the instances from the local view,
 * events enabled, the signature per instance, and only then one publish of a raw event per
 * verified instance. A refusal at any step publishes nothing.
 */
export class WebhookIngestService {
  private readonly logger = new Logger(WebhookIngestService.name);

  constructor(
    private readonly connectors: ConnectorRegistry,
    private readonly directory: WebhookInstanceDirectory,
    private readonly publisher: RawEventPublisher,
    private readonly clock: () => Date,
  ) {}

  /** Finds the connector a call names; undefined for unknown keys and connectors without webhooks. */
  connectorOf(elementKey: string): WebhookConnector | undefined {
    const adapter = this.connectors.find(elementKey);
    return adapter?.webhook ? { adapter, webhook: adapter.webhook } : undefined;
  }

  async ingest(call: ProviderCall): Promise<IngestAnswer> {
    const connector = this.connectorOf(call.elementKey);
    if (!connector) throw IngestRejection.connectorUnknown(call.elementKey);
    const { adapter, webhook } = connector;
    const elementKey = adapter.descriptor.elementKey;

    const handshake = webhook.handshake(call.request);
    if (handshake) return { elementKey, outcome: 'handshake', reply: handshake, instanceIds: [] };

    const route = this.route(webhook, call.request);
    const body = rawEventBodyOf(call.request.rawBody, call.request.headers['content-type']);

    const instances = this.directory.find(adapter, route);
    if (instances.length === 0) throw IngestRejection.instanceUnknown(elementKey);
    const enabled = instances.filter((instance) => instance.eventsEnabled);
    if (enabled.length === 0) {
      throw IngestRejection.eventsDisabled(elementKey, instances.map((instance) => instance.id));
    }

    const verified = this.verified(webhook, call.request, enabled, elementKey);
    const events = rawEventsOf(
      { elementKey, request: call.request, rawQuery: call.rawQuery, body, receivedAt: call.receivedAt, deliveryId: this.deliveryId(webhook, call.request) },
      verified.map((instance) => instance.id),
    );
    await this.publisher.publish(events, call.request.rawBody.length);
    return { elementKey, outcome: 'accepted', reply: webhook.acceptedReply, instanceIds: verified.map((instance) => instance.id) };
  }

  private route(webhook: WebhookHandler, request: InboundWebhook): WebhookRoute {
    try {
      return webhook.route(request);
    } catch (error) {
      if (isConnectorError(error)) throw IngestRejection.payloadInvalid(error.message);
      throw error;
    }
  }

  /**
   * The instances whose own secret authenticates the call; the others are dropped (and
   * logged), so one instance with a stale secret does not cost its neighbours their events.
   */
  private verified(webhook: WebhookHandler, request: InboundWebhook, instances: readonly InstanceRecord[], elementKey: string): InstanceRecord[] {
    const now = this.clock();
    const verified: InstanceRecord[] = [];
    let firstRefusal: IngestRejection | undefined;
    for (const instance of instances) {
      try {
        webhook.verify(request, instance, now);
        verified.push(instance);
      } catch (error) {
        firstRefusal ??= this.refusalOf(error, instance.id, elementKey);
      }
    }
    if (verified.length === 0) throw firstRefusal ?? IngestRejection.signatureInvalid('the call could not be verified');
    return verified;
  }

  /** The adapter's own words for a refused instance (its messages never hold a secret). */
  private refusalOf(error: unknown, instanceId: number, elementKey: string): IngestRejection {
    if (!isConnectorError(error)) {
      this.logger.error({ instanceId, elementKey, err: error instanceof Error ? error.stack : String(error) }, 'the adapter failed while verifying a call');
      return IngestRejection.signatureInvalid('the call could not be verified');
    }
    this.logger.warn({ instanceId, elementKey, reason: error.message }, 'provider call not authentic for this instance; dropped');
    // Some checks read the body (Salesforce's organizationId): a malformed one stays a 400.
    return error.status === 400 ? IngestRejection.payloadInvalid(error.message) : IngestRejection.signatureInvalid(error.message);
  }

  /** A provider id for the call, when the adapter knows one; an adapter failing on odd input gives none. */
  private deliveryId(webhook: WebhookHandler, request: InboundWebhook): string | undefined {
    try {
      return webhook.deliveryId?.(request);
    } catch {
      return undefined;
    }
  }
}
