import { ConnectorAdapter, EventsMethod, PollerConfiguration, connectorErrors, parsePollerConfiguration } from '@connector-events/connectors';
import { InstanceRecord } from '@connector-events/messaging';

/** The Open Connectors configuration keys the poller reads. */
export const POLLER_KEYS = {
  vendorType: 'event.vendor.type',
  refreshInterval: 'event.poller.refresh_interval',
  configuration: 'event.poller.configuration',
  objects: 'event.objects',
} as const;

export const DEFAULT_REFRESH_INTERVAL_MINUTES = 15;

/** How the instance's events arrive: `event.vendor.type`, else the connector's first method. */
export function eventsMethodOf(record: InstanceRecord, adapter: ConnectorAdapter): EventsMethod | undefined {
  const configured = record.configuration[POLLER_KEYS.vendorType]?.trim().toLowerCase();
  const method = configured === 'webhooks' ? 'webhook' : configured;
  if (method === 'webhook' || method === 'polling') return adapter.descriptor.eventsMethods.includes(method) ? method : undefined;
  return adapter.descriptor.eventsMethods[0];
}

/** Whether the poller polls this instance: events enabled, polled (by choice or because the connector only polls). */
export function isPolled(record: InstanceRecord, adapter: ConnectorAdapter | undefined): adapter is ConnectorAdapter {
  return !!adapter?.polling && record.eventsEnabled && eventsMethodOf(record, adapter) === 'polling';
}

/** Whether the poller keeps provider webhook subscriptions for it (Microsoft Graph). */
export function isSubscribed(record: InstanceRecord, adapter: ConnectorAdapter | undefined): adapter is ConnectorAdapter {
  return !!adapter?.subscriptions && record.eventsEnabled && eventsMethodOf(record, adapter) === 'webhook';
}

/** `event.poller.refresh_interval` in minutes: whole, at least 1, 15 when absent or unreadable. */
export function refreshIntervalMinutes(record: InstanceRecord): number {
  const text = record.configuration[POLLER_KEYS.refreshInterval]?.trim();
  if (!text || !/^\d{1,7}$/.test(text)) return DEFAULT_REFRESH_INTERVAL_MINUTES;
  return Math.max(1, Number(text));
}

/** `event.objects`, a comma list; empty when absent. */
export function eventObjectsOf(record: InstanceRecord): string[] {
  const text = record.configuration[POLLER_KEYS.objects] ?? '';
  return [...new Set(text.split(',').map((name) => name.trim()).filter((name) => name !== ''))];
}

/**
 * The resources to poll: the instance's own `event.poller.configuration`, else the connector's
 * defaults narrowed by `event.objects`. A configuration that cannot be used is a
 * `configuration_invalid` error (instance-service validates it on the way in, so this is rare).
 */
export function pollerConfigurationOf(record: InstanceRecord, adapter: ConnectorAdapter): PollerConfiguration {
  const polling = adapter.polling;
  if (!polling) throw connectorErrors.configurationInvalid(`the ${adapter.descriptor.elementKey} connector is not polled`);
  const configured = record.configuration[POLLER_KEYS.configuration];
  if (configured !== undefined && configured.trim() !== '') {
    const parsed = parsePollerConfiguration(configured);
    if (!parsed.ok) throw connectorErrors.configurationInvalid(`${POLLER_KEYS.configuration}: ${parsed.problems.join('; ')}`);
    return parsed.configuration;
  }
  return polling.configuration(eventObjectsOf(record));
}
