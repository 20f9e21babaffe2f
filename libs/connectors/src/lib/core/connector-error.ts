/** Every failure an adapter reports has one of these codes; callers map them to HTTP answers. */
export const CONNECTOR_ERROR_CODES = [
  'webhook_signature_missing',
  'webhook_signature_invalid',
  'webhook_timestamp_stale',
  'webhook_payload_invalid',
  'oauth_code_rejected',
  'oauth_refresh_rejected',
  'provider_unauthorized',
  'provider_request_failed',
  'provider_response_invalid',
  'configuration_invalid',
  'connector_unknown',
] as const;
export type ConnectorErrorCode = (typeof CONNECTOR_ERROR_CODES)[number];

/**
 * The one error type adapters throw. `status` is what our own API should answer a client
 * (4xx: the caller's input was wrong; 502: the provider failed); `retryable` says whether the
 * same call may succeed later without any change.
 */
export class ConnectorError extends Error {
  constructor(
    readonly code: ConnectorErrorCode,
    message: string,
    readonly status: number,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'ConnectorError';
  }
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError;
}
