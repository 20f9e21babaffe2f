import { isConnectorError } from '@connector-events/connectors';
import { PermanentMessageError } from '@connector-events/messaging';

/**
 * A failure of the normalizer's own storage or publishing that surfaced inside an adapter call
 * (storing refreshed tokens happens while the adapter waits). Transient by nature: retried.
 */
export class NormalizerInfrastructureError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NormalizerInfrastructureError';
  }
}

/**
 * What to do with an error thrown while an adapter normalized a raw event:
 * - a retryable `ConnectorError` (provider down, 5xx, 429, refused token) and our own
 *   infrastructure failures are thrown again, so the bus retries with backoff in order;
 * - a `ConnectorError` that no retry can fix (payload, configuration, refused refresh token)
 *   goes to the dead-letter topic with its code and message;
 * - anything else is an adapter that choked on its input: the same input would fail the same
 *   way forever, so it is dead-lettered too rather than block the instance's partition.
 */
export function adapterFailure(error: unknown): Error {
  if (error instanceof NormalizerInfrastructureError) return error;
  if (isConnectorError(error)) {
    return error.retryable ? error : new PermanentMessageError(`${error.code}: ${error.message}`, { cause: error });
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new PermanentMessageError(`adapter_failed: ${detail}`, { cause: error });
}
