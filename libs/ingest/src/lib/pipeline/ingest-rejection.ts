import { HttpStatus } from '@nestjs/common';

/** What became of a provider call, as counted in the metrics (a bounded set of labels). */
export type IngestOutcome =
  | 'accepted'
  | 'handshake'
  | 'connector_unknown'
  | 'instance_unknown'
  | 'events_disabled'
  | 'signature_invalid'
  | 'payload_invalid'
  | 'too_large'
  | 'method_not_allowed'
  | 'bus_unavailable'
  | 'internal_error';

/**
 * A provider call refused with a clear answer; nothing was published for it. `message` goes
 * to the caller as is, so it never holds a secret.
 */
export class IngestRejection extends Error {
  constructor(
    readonly status: number,
    readonly outcome: IngestOutcome,
    message: string,
  ) {
    super(message);
    this.name = 'IngestRejection';
  }

  static connectorUnknown(elementKey: string): IngestRejection {
    return new IngestRejection(HttpStatus.NOT_FOUND, 'connector_unknown', `no connector with the key "${clip(elementKey)}" receives webhooks`);
  }

  static instanceUnknown(elementKey: string): IngestRejection {
    return new IngestRejection(HttpStatus.NOT_FOUND, 'instance_unknown', `no ${elementKey} instance matches this call`);
  }

  static eventsDisabled(elementKey: string, instanceIds: readonly number[]): IngestRejection {
    const which = instanceIds.length === 1 ? `instance ${instanceIds[0]}` : `instances ${instanceIds.join(', ')}`;
    return new IngestRejection(HttpStatus.GONE, 'events_disabled', `events are not enabled for ${elementKey} ${which}`);
  }

  static signatureInvalid(message: string): IngestRejection {
    return new IngestRejection(HttpStatus.UNAUTHORIZED, 'signature_invalid', message);
  }

  static payloadInvalid(message: string): IngestRejection {
    return new IngestRejection(HttpStatus.BAD_REQUEST, 'payload_invalid', message);
  }

  static tooLarge(message: string): IngestRejection {
    return new IngestRejection(HttpStatus.PAYLOAD_TOO_LARGE, 'too_large', message);
  }

  static methodNotAllowed(method: string): IngestRejection {
    return new IngestRejection(HttpStatus.METHOD_NOT_ALLOWED, 'method_not_allowed', `${clip(method)} is not accepted here; use POST or GET`);
  }

  static busUnavailable(): IngestRejection {
    return new IngestRejection(
      HttpStatus.SERVICE_UNAVAILABLE,
      'bus_unavailable',
      'the event could not be stored right now; nothing was accepted, please retry',
    );
  }
}

/** Caller input echoed in a message is cut short, so a hostile key cannot bloat answers or logs. */
function clip(text: string): string {
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}
