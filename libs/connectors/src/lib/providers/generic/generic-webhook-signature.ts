import { ConnectorError } from '../../core/connector-error';
import { connectorErrors } from '../../core/connector-errors';
import { ConnectorInstance } from '../../core/connector-instance';
import { InboundWebhook } from '../../core/inbound-webhook';
import { hmacDigest, safeEqual } from '../../webhooks/signatures';
import { GenericSignatureDefinition } from './generic-connector-definition';

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Timestamps from 13 digits up are epoch milliseconds (year 2001 on); shorter ones seconds. */
const MILLISECONDS_FROM = 1e12;

/**
 * Checks `header` = prefix + HMAC(instance secret, message): the exact body bytes, or
 * `<timestamp>.<body>` when a timestamp header is signed too, in which case a replay outside
 * the tolerance is refused even though its signature is good.
 */
export class GenericWebhookSignature {
  private readonly header: string;
  private readonly timestampHeader?: string;
  private readonly toleranceMs: number;

  constructor(private readonly definition: GenericSignatureDefinition) {
    this.header = definition.header.toLowerCase();
    this.timestampHeader = definition.timestampHeader?.toLowerCase();
    this.toleranceMs = (definition.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS) * 1000;
  }

  verify(request: InboundWebhook, instance: ConnectorInstance, now: Date): void {
    const { definition } = this;
    const received = request.headers[this.header]?.trim();
    if (!received) throw connectorErrors.signatureMissing(definition.header);
    const timestamp = this.timestampOf(request);
    const secret = instance.configuration[definition.secretConfigurationKey] ?? '';
    const prefix = definition.prefix ?? '';
    const message = timestamp === undefined ? request.rawBody : Buffer.concat([Buffer.from(`${timestamp.text}.`), request.rawBody]);
    const expected = hmacDigest(definition.algorithm, secret, message, definition.encoding);
    const digest = received.startsWith(prefix) ? received.slice(prefix.length) : '';
    // Hex digests may arrive in either case; base64 is case-sensitive.
    const comparable = definition.encoding === 'hex' ? digest.toLowerCase() : digest;
    if (!secret || !safeEqual(expected, comparable)) throw connectorErrors.signatureInvalid(definition.header);
    if (timestamp !== undefined) {
      const ageMs = Math.abs(now.getTime() - timestamp.ms);
      if (ageMs > this.toleranceMs) {
        throw new ConnectorError(
          'webhook_timestamp_stale',
          `the ${definition.timestampHeader} header is ${Math.round(ageMs / 1000)} s away from now (at most ${this.toleranceMs / 1000} s allowed)`,
          401,
        );
      }
    }
  }

  private timestampOf(request: InboundWebhook): { text: string; ms: number } | undefined {
    if (!this.timestampHeader) return undefined;
    const text = request.headers[this.timestampHeader]?.trim();
    if (!text) throw connectorErrors.signatureMissing(this.definition.timestampHeader ?? this.timestampHeader);
    if (!/^\d{1,16}$/.test(text)) {
      throw new ConnectorError('webhook_signature_invalid', `the ${this.definition.timestampHeader} header is not a Unix time`, 401);
    }
    const value = Number(text);
    return { text, ms: value >= MILLISECONDS_FROM ? value : value * 1000 };
  }
}
