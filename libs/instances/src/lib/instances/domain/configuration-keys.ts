/** The Open Connectors instance configuration keys this service understands. */
export const CONFIGURATION_KEYS = {
  eventsEnabled: 'event.notification.enabled',
  vendorType: 'event.vendor.type',
  callbackUrl: 'event.notification.callback.url',
  signatureKey: 'event.notification.signature.key',
  refreshInterval: 'event.poller.refresh_interval',
  pollerConfiguration: 'event.poller.configuration',
  objects: 'event.objects',
  oauthClientId: 'oauth.api.key',
  oauthClientSecret: 'oauth.api.secret',
  oauthCallbackUrl: 'oauth.callback.url',
} as const;

/** Secrets every connector has; adapters add their own webhook secrets. */
export const COMMON_SECRET_KEYS: readonly string[] = [CONFIGURATION_KEYS.signatureKey, CONFIGURATION_KEYS.oauthClientSecret];

export const MAX_CONFIGURATION_ENTRIES = 100;
export const MAX_CONFIGURATION_VALUE_LENGTH = 256 * 1024;
