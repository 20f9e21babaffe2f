import { randomUUID } from 'node:crypto';
import { FakeAnswer } from '../fake-http-server';

/**
 * Error answers worded the Microsoft way: the identity platform's token endpoint
 * (`error`, `error_description` prefixed with the AADSTS code and followed by trace lines,
 * `error_codes`, `timestamp`, `trace_id`, `correlation_id`, `error_uri`) and Graph's
 * `{"error":{"code","message","innerError"}}`.
 */

export type AadError = 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unauthorized_client' | 'unsupported_grant_type';

export function aadError(status: 400 | 401, error: AadError, code: number, description: string): FakeAnswer {
  const now = new Date();
  const timestamp = now.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');
  const traceId = randomUUID();
  const correlationId = randomUUID();
  return {
    status,
    json: {
      error,
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
  };
}

/** The media type Graph answers JSON with. */
export const GRAPH_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';

export function graphAnswer(status: number, json: unknown): FakeAnswer {
  const requestId = randomUUID();
  return { status, json, headers: { 'content-type': GRAPH_JSON, 'request-id': requestId, 'client-request-id': requestId } };
}

export function graphError(status: number, code: string, message: string): FakeAnswer {
  const requestId = randomUUID();
  return {
    status,
    headers: { 'content-type': GRAPH_JSON, 'request-id': requestId, 'client-request-id': requestId },
    json: {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString().replace(/\.\d{3}Z$/, ''), 'request-id': requestId, 'client-request-id': requestId },
      },
    },
  };
}
