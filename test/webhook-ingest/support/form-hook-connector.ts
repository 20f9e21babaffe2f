import {
  ConnectorInstance,
  ConnectorModule,
  InboundWebhook,
  WebhookHandler,
  connectorErrors,
  emptyReply,
  explicitInstanceIds,
  hmacDigest,
  safeEqual,
} from '@connector-events/connectors';

export const FORM_HOOK_KEY = 'formhook';
export const FORM_HOOK_SECRET_KEY = 'formhook.webhook.secret';
const SIGNATURE_HEADER = 'x-formhook-signature';

/**
 * A test connector for what no built-in provider sends: form-encoded POSTs and GET-style
 * calls carrying the event in the query. The instance is named in the path; the signature is
 * hex HMAC-SHA256 of `method url body` with the instance's secret, so it covers the query too.
 */
class FormHookWebhook implements WebhookHandler {
  readonly acceptedReply = emptyReply(200);
  readonly secretConfigurationKeys = [FORM_HOOK_SECRET_KEY];

  handshake(): undefined {
    return undefined;
  }

  route(request: InboundWebhook) {
    return { instanceIds: explicitInstanceIds(request), providerKeys: [] };
  }

  instanceKeys(): string[] {
    return [];
  }

  verify(request: InboundWebhook, instance: ConnectorInstance): void {
    const received = request.headers[SIGNATURE_HEADER];
    if (!received) throw connectorErrors.signatureMissing('X-FormHook-Signature');
    const secret = instance.configuration[FORM_HOOK_SECRET_KEY] ?? '';
    if (!secret || !safeEqual(formHookSignature(secret, request.method, request.url, request.rawBody), received)) {
      throw connectorErrors.signatureInvalid('X-FormHook-Signature');
    }
  }

  async initialState(): Promise<Record<string, string>> {
    return {};
  }

  async normalize(): Promise<never> {
    throw new Error('not used by webhook-ingest');
  }
}

export function formHookSignature(secret: string, method: string, publicUrl: string, body: Buffer | string): string {
  return hmacDigest('sha256', secret, Buffer.concat([Buffer.from(`${method} ${publicUrl} `), Buffer.from(body)]), 'hex');
}

const noOAuth = (): Promise<never> => Promise.reject(new Error('the form hook test connector has no OAuth'));

export const FORM_HOOK_CONNECTOR: ConnectorModule = {
  descriptor: {
    elementKey: FORM_HOOK_KEY,
    aliases: [],
    displayName: 'Form hook (test)',
    hubKey: 'general',
    eventsMethods: ['webhook'],
    objects: ['items'],
  },
  create: () => ({
    descriptor: FORM_HOOK_CONNECTOR.descriptor,
    oauth: { exchangeCode: noOAuth, refresh: noOAuth },
    webhook: new FormHookWebhook(),
  }),
};
