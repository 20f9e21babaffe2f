import { GenericConnectorDefinition, parseGenericConnectorDefinition } from '@connector-events/connectors';

export const CHAIN_KEY = 'occhain';
/** The receiving instance holds the key the sending instance signs its notifications with. */
export const CHAIN_SECRET_KEY = 'occhain.inbound.signature.key';

/**
 * A generic connector that takes Open Connectors notifications as its webhooks, so one
 * instance's callback URL can point at `/events/occhain/{base64(id)}` of another: signed
 * with `Elements-Webhook-Signature: sha256=<base64 HMAC>`, named by `Elements-Webhook-Id`,
 * routed by the instance id in the path.
 */
export const CHAIN_CONNECTOR_DEFINITION: GenericConnectorDefinition = parseGenericConnectorDefinition({
  elementKey: CHAIN_KEY,
  displayName: 'Open Connectors chain',
  hubKey: 'general',
  oauth: { tokenUrl: 'https://auth.example.com/oauth2/token', clientAuthentication: 'body' },
  webhook: {
    signature: {
      header: 'Elements-Webhook-Signature',
      algorithm: 'sha256',
      encoding: 'base64',
      prefix: 'sha256=',
      secretConfigurationKey: CHAIN_SECRET_KEY,
    },
    deliveryIdHeader: 'Elements-Webhook-Id',
    events: {
      itemsPath: 'message.events',
      objectTypeField: 'objectType',
      objectIdField: 'objectId',
      eventTypeField: 'eventType',
      dateField: 'date',
    },
  },
});
