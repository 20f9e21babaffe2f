/**
 * The CRM objects this connector knows, under the three names HubSpot uses for each: the
 * plural of API paths and `objectType`, the singular prefix of legacy subscription types
 * (`contact.creation`) and the `objectTypeId` of generic `object.*` subscriptions.
 */
export interface HubSpotObject {
  /** As in `/crm/v3/objects/{name}` and in event objects. */
  readonly name: string;
  readonly subscriptionPrefix: string;
  readonly objectTypeId: string;
  /** The property search filters and sorts on: contacts kept their older name. */
  readonly lastModifiedProperty: 'lastmodifieddate' | 'hs_lastmodifieddate';
}

export const HUBSPOT_OBJECTS: readonly HubSpotObject[] = [
  { name: 'contacts', subscriptionPrefix: 'contact', objectTypeId: '0-1', lastModifiedProperty: 'lastmodifieddate' },
  { name: 'companies', subscriptionPrefix: 'company', objectTypeId: '0-2', lastModifiedProperty: 'hs_lastmodifieddate' },
  { name: 'deals', subscriptionPrefix: 'deal', objectTypeId: '0-3', lastModifiedProperty: 'hs_lastmodifieddate' },
  { name: 'tickets', subscriptionPrefix: 'ticket', objectTypeId: '0-5', lastModifiedProperty: 'hs_lastmodifieddate' },
  { name: 'products', subscriptionPrefix: 'product', objectTypeId: '0-7', lastModifiedProperty: 'hs_lastmodifieddate' },
  { name: 'line_items', subscriptionPrefix: 'line_item', objectTypeId: '0-8', lastModifiedProperty: 'hs_lastmodifieddate' },
];

export function hubSpotObjectNamed(name: string): HubSpotObject | undefined {
  return HUBSPOT_OBJECTS.find((object) => object.name === name);
}

export function hubSpotObjectBySubscriptionPrefix(prefix: string): HubSpotObject | undefined {
  return HUBSPOT_OBJECTS.find((object) => object.subscriptionPrefix === prefix);
}

export function hubSpotObjectByTypeId(objectTypeId: string): HubSpotObject | undefined {
  return HUBSPOT_OBJECTS.find((object) => object.objectTypeId === objectTypeId);
}
