import {
  ConnectorAdapter,
  ConnectorInstance,
  NormalizedPoll,
  PollerResourceConfiguration,
  connectorErrors,
  normalizePolledRecords,
  parsePollerConfiguration,
} from '@connector-events/connectors';

export const POLLER_CONFIGURATION_KEY = 'event.poller.configuration';

/** Every change the poller hands over is new: it filtered the records against its watermark already. */
const SINCE_THE_EPOCH = new Date(0);

export interface PolledBody {
  readonly objectType: string;
  readonly records: readonly unknown[];
  readonly pollDate: Date;
}

/**
 * A poll result, `{<objectType>: [records], pollDate, objectType}`, turned into event objects
 * with the instance's own configuration of that resource, else the connector's default.
 */
export function normalizePolledRawEvent(adapter: ConnectorAdapter, instance: ConnectorInstance, body: Record<string, unknown>): NormalizedPoll {
  const polling = adapter.polling;
  if (!polling) throw connectorErrors.configurationInvalid(`the ${adapter.descriptor.elementKey} connector is not polled`);
  const polled = readPolledBody(body);
  return normalizePolledRecords({
    descriptor: adapter.descriptor,
    objectType: polled.objectType,
    records: polled.records,
    configuration: pollerResourceOf(instance, polled.objectType, (objects) => polling.configuration(objects)),
    since: SINCE_THE_EPOCH,
    pollDate: polled.pollDate,
  });
}

export function readPolledBody(body: Record<string, unknown>): PolledBody {
  const objectType = body['objectType'];
  if (typeof objectType !== 'string' || objectType === '') {
    throw connectorErrors.payloadInvalid('a poll result needs objectType, the polled resource name');
  }
  const records = Object.hasOwn(body, objectType) ? body[objectType] : undefined;
  if (!Array.isArray(records)) throw connectorErrors.payloadInvalid(`a poll result needs ${objectType.slice(0, 60)}, the array of records`);
  const pollDate = readDate(body['pollDate']);
  if (!pollDate) throw connectorErrors.payloadInvalid('a poll result needs pollDate, epoch milliseconds or ISO 8601');
  return { objectType, records, pollDate };
}

/** The instance's `event.poller.configuration` entry for the resource, else the connector's default. */
export function pollerResourceOf(
  instance: ConnectorInstance,
  objectType: string,
  defaults: (objects: readonly string[]) => Record<string, PollerResourceConfiguration>,
): PollerResourceConfiguration {
  const configured = instance.configuration[POLLER_CONFIGURATION_KEY];
  if (configured !== undefined && configured.trim() !== '') {
    const parsed = parsePollerConfiguration(configured);
    if (!parsed.ok) throw connectorErrors.configurationInvalid(`${POLLER_CONFIGURATION_KEY}: ${parsed.problems.join('; ')}`);
    const own = parsed.configuration[objectType];
    if (own) return own;
  }
  const resource = defaults([objectType])[objectType];
  if (!resource) throw connectorErrors.configurationInvalid(`no poller configuration for ${objectType.slice(0, 60)}`);
  return resource;
}

function readDate(value: unknown): Date | undefined {
  const epochText = typeof value === 'string' && /^\d{1,16}$/.test(value);
  const date = typeof value === 'number' || epochText ? new Date(Number(value)) : typeof value === 'string' ? new Date(value) : undefined;
  return date && Number.isFinite(date.getTime()) ? date : undefined;
}
