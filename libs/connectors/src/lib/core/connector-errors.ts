import { ConnectorError } from './connector-error';

/** Short constructors so adapters read as what went wrong, not how it is encoded. */
export const connectorErrors = {
  signatureMissing: (header: string) =>
    new ConnectorError('webhook_signature_missing', `the ${header} header is missing`, 401),
  signatureInvalid: (what: string) =>
    new ConnectorError('webhook_signature_invalid', `${what} does not match`, 401),
  timestampStale: (header: string, ageMs: number) =>
    new ConnectorError(
      'webhook_timestamp_stale',
      `the ${header} header is ${Math.round(ageMs / 1000)} s away from now (at most 300 s allowed)`,
      401,
    ),
  payloadInvalid: (problem: string) => new ConnectorError('webhook_payload_invalid', problem, 400),
  codeRejected: (provider: string, reason: string) =>
    new ConnectorError('oauth_code_rejected', `${provider} refused the authorization code: ${reason}`, 400),
  refreshRejected: (provider: string, reason: string) =>
    new ConnectorError('oauth_refresh_rejected', `${provider} refused the refresh token: ${reason}`, 401),
  unauthorized: (provider: string) =>
    new ConnectorError('provider_unauthorized', `${provider} refused the access token`, 401, true),
  requestFailed: (provider: string, detail: string, retryable: boolean) =>
    new ConnectorError('provider_request_failed', `${provider} request failed: ${detail}`, 502, retryable),
  responseInvalid: (provider: string, detail: string) =>
    new ConnectorError('provider_response_invalid', `${provider} answered unexpectedly: ${detail}`, 502, true),
  configurationInvalid: (problem: string) => new ConnectorError('configuration_invalid', problem, 400),
  unknownConnector: (key: string) =>
    new ConnectorError('connector_unknown', `no connector with the key "${key}"`, 404),
};
