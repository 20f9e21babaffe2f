import { InboundWebhook } from '../core/inbound-webhook';
import { connectorErrors } from '../core/connector-errors';

/** Open Connectors names instances in the call itself (`Element-Instances: 1,2`). */
export const ELEMENT_INSTANCES_HEADER = 'element-instances';

const MAX_INSTANCES_PER_CALL = 100;

/**
 * The instance ids a call names: the base64 id in the path (`/events/{key}/{base64(id)}`) and
 * the `Element-Instances` header. Malformed ids are a payload error, not silently ignored.
 */
export function explicitInstanceIds(request: InboundWebhook): number[] {
  const ids = new Set<number>();
  if (request.instanceSegment) ids.add(decodeInstanceSegment(request.instanceSegment));
  const header = request.headers[ELEMENT_INSTANCES_HEADER];
  if (header !== undefined && header.trim() !== '') {
    const parts = header.split(',').map((part) => part.trim()).filter((part) => part !== '');
    if (parts.length > MAX_INSTANCES_PER_CALL) {
      throw connectorErrors.payloadInvalid(`Element-Instances names more than ${MAX_INSTANCES_PER_CALL} instances`);
    }
    for (const part of parts) ids.add(parseInstanceId(part, 'Element-Instances'));
  }
  return [...ids];
}

/** `base64("123")` → 123; plain digits are accepted too, as some clients send them. */
export function decodeInstanceSegment(segment: string): number {
  if (/^\d+$/.test(segment)) return parseInstanceId(segment, 'the path');
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(segment) || segment.length > 32) {
    throw connectorErrors.payloadInvalid('the instance segment of the path is not base64');
  }
  const decoded = Buffer.from(segment.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
  return parseInstanceId(decoded, 'the path');
}

export function encodeInstanceSegment(instanceId: number): string {
  return Buffer.from(String(instanceId), 'utf8').toString('base64');
}

function parseInstanceId(text: string, where: string): number {
  const id = /^\d{1,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(id) || id < 1) {
    throw connectorErrors.payloadInvalid(`${where} names "${text.slice(0, 40)}", which is not an instance id`);
  }
  return id;
}
