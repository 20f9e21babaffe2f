import { All, Controller, HttpException, HttpStatus, Inject, Logger, Param, Req, Res } from '@nestjs/common';
import { Response } from 'express';
import { API_BASE_PATH, APP_CONFIG, AppConfig } from '@connector-events/config';
import { InvalidOutgoingMessageError } from '@connector-events/messaging';
import { IngestMetrics } from '../metrics/ingest-metrics';
import { IngestRejection } from '../pipeline/ingest-rejection';
import { WebhookIngestService } from '../pipeline/webhook-ingest.service';
import { WebhookHttpRequest, inboundWebhookOf } from './inbound-webhook-of';

const ACCEPTED_METHODS = new Set(['GET', 'POST']);
/** How long a provider should wait before retrying after a 503, in seconds. */
const RETRY_AFTER_SECONDS = '5';

/**
 * `/elements/api-v2/events/{elementKey}[/{base64(instanceId)}]`, where providers call: POST
 * (JSON, form-encoded or anything else) and GET (handshakes, GET-style providers). Answers
 * the connector's own reply once the raw events are stored, or `{requestId, message}`.
 */
@Controller(`${API_BASE_PATH}/events`)
export class WebhookEventsController {
  private readonly logger = new Logger(WebhookEventsController.name);

  constructor(
    private readonly ingest: WebhookIngestService,
    private readonly metrics: IngestMetrics,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @All([':elementKey', ':elementKey/:instanceSegment'])
  async receive(
    @Req() req: WebhookHttpRequest,
    @Res() res: Response,
    @Param('elementKey') elementKey: string,
    @Param('instanceSegment') instanceSegment: string | undefined,
  ): Promise<void> {
    const receivedAt = new Date();
    const knownKey = this.ingest.connectorOf(elementKey)?.adapter.descriptor.elementKey;
    try {
      if (!ACCEPTED_METHODS.has((req.method ?? '').toUpperCase())) {
        res.setHeader('allow', 'GET, POST');
        throw IngestRejection.methodNotAllowed(req.method ?? '');
      }
      const { request, rawQuery } = inboundWebhookOf(req, this.config.publicBaseUrl, instanceSegment);
      const answer = await this.ingest.ingest({ elementKey, request, rawQuery, receivedAt });
      this.metrics.call(answer.elementKey, answer.outcome);
      if (answer.outcome === 'accepted') this.metrics.published(answer.elementKey, answer.instanceIds.length);
      // The connector's reply byte for byte: handshakes must echo their token exactly.
      res.status(answer.reply.status).set(answer.reply.headers).end(answer.reply.body);
    } catch (error) {
      if (error instanceof IngestRejection) {
        this.metrics.call(knownKey, error.outcome);
        if (error.status === HttpStatus.SERVICE_UNAVAILABLE) res.setHeader('retry-after', RETRY_AFTER_SECONDS);
        throw new HttpException(error.message, error.status);
      }
      this.metrics.call(knownKey, 'internal_error');
      if (error instanceof InvalidOutgoingMessageError) {
        this.logger.error({ elementKey: knownKey, err: error.message }, 'a raw event broke its own contract');
      }
      throw error;
    }
  }
}
