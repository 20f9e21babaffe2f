import { ConnectorAdapter, EventsMethod, isConnectorError, parsePollerConfiguration } from '@connector-events/connectors';
import { CONFIGURATION_KEYS as KEYS } from './configuration-keys';
import { isTrue } from './configuration-values';

const BOOLEAN_TEXT = /^(true|false)$/i;
const MAX_REFRESH_INTERVAL_MINUTES = 7 * 24 * 60;

/**
 * Checks a complete configuration (after a change is applied) against the Open Connectors
 * rules and what the connector supports. Returns every problem, each naming its key.
 */
export function validateConfiguration(values: Readonly<Record<string, string>>, connector: ConnectorAdapter): string[] {
  const problems: string[] = [];
  const enabled = values[KEYS.eventsEnabled];
  if (enabled !== undefined && !BOOLEAN_TEXT.test(enabled.trim())) {
    problems.push(`${KEYS.eventsEnabled} must be true or false`);
  }
  const callback = values[KEYS.callbackUrl];
  if (callback !== undefined && callback !== '' && !isHttpUrl(callback)) {
    problems.push(`${KEYS.callbackUrl} must be an http or https URL`);
  }
  const method = vendorTypeOf(values);
  const supported = connector.descriptor.eventsMethods;
  if (method === 'invalid') {
    problems.push(`${KEYS.vendorType} must be polling, webhook or webhooks`);
  } else if (method !== undefined && !supported.includes(method)) {
    problems.push(`${KEYS.vendorType} ${method} is not supported by ${connector.descriptor.elementKey} (it supports ${supported.join(', ')})`);
  }
  const interval = values[KEYS.refreshInterval];
  if (interval !== undefined && !isWholeMinutes(interval)) {
    problems.push(`${KEYS.refreshInterval} must be a whole number of minutes from 1 to ${MAX_REFRESH_INTERVAL_MINUTES}`);
  }
  const poller = values[KEYS.pollerConfiguration];
  if (poller !== undefined && poller !== '') {
    const parsed = parsePollerConfiguration(poller);
    if (!parsed.ok) problems.push(...parsed.problems.map((problem) => `${KEYS.pollerConfiguration}: ${problem}`));
  }
  const objects = values[KEYS.objects];
  if (objects !== undefined && objects.trim() !== '' && connector.polling && effectiveMethod(values, connector) === 'polling') {
    try {
      connector.polling.configuration(splitList(objects));
    } catch (error) {
      problems.push(`${KEYS.objects}: ${isConnectorError(error) ? error.message : String(error)}`);
    }
  }
  if (isTrue(enabled) && connector.descriptor.eventsMethods.length === 0) {
    problems.push(`${connector.descriptor.elementKey} has no events`);
  }
  return problems;
}

/** The events method in force: the configured one, else the connector's first. */
export function effectiveMethod(values: Readonly<Record<string, string>>, connector: ConnectorAdapter): EventsMethod | undefined {
  const method = vendorTypeOf(values);
  return method === 'invalid' ? undefined : (method ?? connector.descriptor.eventsMethods[0]);
}

function vendorTypeOf(values: Readonly<Record<string, string>>): EventsMethod | 'invalid' | undefined {
  const raw = values[KEYS.vendorType]?.trim().toLowerCase();
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'polling') return 'polling';
  if (raw === 'webhook' || raw === 'webhooks') return 'webhook';
  return 'invalid';
}

export function splitList(text: string): string[] {
  return text.split(',').map((part) => part.trim()).filter((part) => part !== '');
}

function isWholeMinutes(text: string): boolean {
  if (!/^\d{1,6}$/.test(text.trim())) return false;
  const minutes = Number(text);
  return minutes >= 1 && minutes <= MAX_REFRESH_INTERVAL_MINUTES;
}

function isHttpUrl(text: string): boolean {
  if (text.length > 2048) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}
