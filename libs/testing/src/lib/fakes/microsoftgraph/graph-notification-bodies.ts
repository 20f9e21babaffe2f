import { randomBytes } from 'node:crypto';

/** A subscription as the fake Graph keeps it: the documented `subscription` resource. */
export interface FakeGraphSubscription {
  readonly id: string;
  readonly resource: string;
  readonly applicationId: string;
  readonly changeType: string;
  readonly clientState: string;
  readonly notificationUrl: string;
  readonly lifecycleNotificationUrl?: string;
  expirationDateTime: string;
  readonly creatorId: string;
  readonly tenantId: string;
}

export type GraphLifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

/** One item of `changeNotificationCollection.value`. */
export type GraphChangeNotification = Record<string, unknown>;

export interface GraphChangeNotificationCollection {
  value: GraphChangeNotification[];
}

/**
 * The change notification Graph sends for `resourceId` under the subscription's resource,
 * shaped like the documented example: `resource` relative to the Graph root and lower-case,
 * `@odata.id` capitalized, and the subscription's clientState echoed.
 */
export function changeNotification(
  subscription: FakeGraphSubscription,
  changeType: string,
  resourceId: string,
): GraphChangeNotification {
  const collection = collectionOf(subscription.resource);
  const entity = singular(collection);
  const directory = collection === 'users' || collection === 'groups';
  const owner = `${subscription.creatorId}@${subscription.tenantId}`;
  const resource = directory ? `${collection}/${resourceId}` : `users/${owner}/${collection}/${resourceId}`;
  const odataId = directory ? `${capitalize(collection)}/${resourceId}` : `Users/${owner}/${capitalize(collection)}/${resourceId}`;
  return {
    id: randomBytes(9).toString('base64url'),
    subscriptionId: subscription.id,
    subscriptionExpirationDateTime: subscription.expirationDateTime,
    clientState: subscription.clientState,
    changeType,
    resource,
    tenantId: subscription.tenantId,
    resourceData: {
      '@odata.type': `#Microsoft.Graph.${capitalize(entity)}`,
      '@odata.id': odataId,
      '@odata.etag': `W/"${randomBytes(20).toString('base64')}"`,
      id: resourceId,
    },
  };
}

/** The documented lifecycle notification: `lifecycleEvent` in place of `changeType`, no resource data. */
export function lifecycleNotification(subscription: FakeGraphSubscription, event: GraphLifecycleEvent): GraphChangeNotification {
  return {
    subscriptionId: subscription.id,
    subscriptionExpirationDateTime: subscription.expirationDateTime,
    tenantId: subscription.tenantId,
    clientState: subscription.clientState,
    lifecycleEvent: event,
  };
}

export function changeNotificationCollection(...items: GraphChangeNotification[]): GraphChangeNotificationCollection {
  return { value: items };
}

/** `me/mailFolders('Inbox')/messages` → messages; `users` → users. */
function collectionOf(resource: string): string {
  const names = (resource.split('?')[0] ?? '').split('/').filter((part) => part !== '');
  const last = names.at(-1) ?? 'items';
  return last.replace(/\(.*\)$/, '').toLowerCase();
}

function singular(collection: string): string {
  return collection.endsWith('s') ? collection.slice(0, -1) : collection;
}

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
