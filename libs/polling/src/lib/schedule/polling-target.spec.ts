import { ConnectorRegistry, HUBSPOT_CONNECTOR, MICROSOFTGRAPH_CONNECTOR, SFDC_CONNECTOR } from '@connector-events/connectors';
import { InstanceRecord } from '@connector-events/messaging';
import { isPolled, isSubscribed, pollerConfigurationOf, refreshIntervalMinutes } from './polling-target';

const registry = new ConnectorRegistry({ modules: [HUBSPOT_CONNECTOR, SFDC_CONNECTOR, MICROSOFTGRAPH_CONNECTOR] });

function record(elementKey: string, configuration: Record<string, string>, eventsEnabled = true): InstanceRecord {
  return { id: 7, version: 1, organizationId: 1, userId: 1, elementKey, name: 'x', tags: [], eventsEnabled, configuration, providerData: {}, tokens: {}, updatedDate: '2026-01-01T00:00:00.000Z' };
}

describe('which instances the poller polls or subscribes', () => {
  it('polls with events enabled and event.vendor.type polling, or a connector that polls first', () => {
    expect(isPolled(record('hubspot', { 'event.vendor.type': 'polling' }), registry.find('hubspot'))).toBe(true);
    expect(isPolled(record('hubspot', {}), registry.find('hubspot'))).toBe(false);
    expect(isPolled(record('hubspot', { 'event.vendor.type': 'webhooks' }), registry.find('hubspot'))).toBe(false);
    expect(isPolled(record('hubspot', { 'event.vendor.type': 'polling' }, false), registry.find('hubspot'))).toBe(false);
    expect(isPolled(record('sfdc', {}), registry.find('sfdc'))).toBe(true);
    expect(isPolled(record('microsoftgraph', { 'event.vendor.type': 'polling' }), registry.find('microsoftgraph'))).toBe(false);
    expect(isSubscribed(record('microsoftgraph', {}), registry.find('microsoftgraph'))).toBe(true);
    expect(isSubscribed(record('microsoftgraph', {}, false), registry.find('microsoftgraph'))).toBe(false);
  });

  it('reads the interval in whole minutes, at least 1, 15 when absent or unreadable', () => {
    expect(refreshIntervalMinutes(record('sfdc', {}))).toBe(15);
    expect(refreshIntervalMinutes(record('sfdc', { 'event.poller.refresh_interval': '5' }))).toBe(5);
    expect(refreshIntervalMinutes(record('sfdc', { 'event.poller.refresh_interval': '0' }))).toBe(1);
    expect(refreshIntervalMinutes(record('sfdc', { 'event.poller.refresh_interval': 'soon' }))).toBe(15);
  });

  it('polls the configured resources, else the defaults narrowed by event.objects', () => {
    const hubspot = registry.get('hubspot');
    expect(Object.keys(pollerConfigurationOf(record('hubspot', {}), hubspot))).toEqual(['contacts', 'companies', 'deals']);
    expect(Object.keys(pollerConfigurationOf(record('hubspot', { 'event.objects': 'deals, tickets' }), hubspot))).toEqual(['deals', 'tickets']);
    const own = { widgets: { url: '/crm/v3/objects/widgets?since=${epoch}', idField: 'id', datesConfiguration: { updatedDateField: 'updatedAt' } } };
    expect(Object.keys(pollerConfigurationOf(record('hubspot', { 'event.poller.configuration': JSON.stringify(own), 'event.objects': 'deals' }), hubspot))).toEqual(['widgets']);
    expect(() => pollerConfigurationOf(record('hubspot', { 'event.poller.configuration': '{"x": 1}' }), hubspot)).toThrow(/event.poller.configuration/);
  });
});
