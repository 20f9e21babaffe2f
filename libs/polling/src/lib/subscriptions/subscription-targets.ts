import { ConnectorAdapter } from '@connector-events/connectors';
import { InstanceRecord } from '@connector-events/messaging';
import { eventObjectsOf } from '../schedule/polling-target';

/**
 * The provider resources an instance subscribes to: `event.objects` (a Graph resource path such
 * as `me/events`, or an object name, taken as the signed-in user's: `events` → `me/events`),
 * else the connector's default resources.
 */
export function subscriptionResourcesOf(record: InstanceRecord, adapter: ConnectorAdapter): string[] {
  const subscriptions = adapter.subscriptions;
  if (!subscriptions) return [];
  const objects = eventObjectsOf(record);
  if (objects.length === 0) return [...subscriptions.defaultResources];
  return [...new Set(objects.map((object) => (object.includes('/') ? object.replace(/^\/+/, '') : `me/${object}`)))];
}
