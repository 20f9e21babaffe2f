/** Where the company id is kept in an instance's provider data, as Intuit names it. */
export const REALM_ID_KEY = 'realmId';

/**
 * Company (realm) ids are decimal digits, 16 of them today. Only strings count: a realm id sent
 * as a JSON number above 2^53 would already have lost digits when parsed.
 */
export function isRealmId(value: unknown): value is string {
  return typeof value === 'string' && /^\d{1,32}$/.test(value);
}

/** The instance's company, when it has a valid one. */
export function realmIdOf(providerData: Readonly<Record<string, string>>): string | undefined {
  const realmId = providerData[REALM_ID_KEY];
  return isRealmId(realmId) ? realmId : undefined;
}

/** The key under which webhooks find the instances of one company. */
export function realmKey(realmId: string): string {
  return `realm:${realmId}`;
}
