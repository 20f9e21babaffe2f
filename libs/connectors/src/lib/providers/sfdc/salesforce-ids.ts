/**
 * Salesforce record ids come in two spellings: 15 characters, case-sensitive (the UI, some Apex
 * output), and 18 characters, the same id plus a 3-character suffix that encodes the case of the
 * first 15 (the API). Keys are always built from the 18-character form so both spellings match.
 */

const ID_PATTERN = /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/;
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';

/** The 18-character form of a 15- or 18-character id; undefined for anything else. */
export function salesforceEighteenCharacterId(id: string): string | undefined {
  if (!ID_PATTERN.test(id)) return undefined;
  if (id.length === 18) return id;
  let suffix = '';
  for (let block = 0; block < 3; block++) {
    let flags = 0;
    for (let position = 0; position < 5; position++) {
      const character = id.charAt(block * 5 + position);
      if (character >= 'A' && character <= 'Z') flags |= 1 << position;
    }
    suffix += SUFFIX_ALPHABET.charAt(flags);
  }
  return id + suffix;
}

/** An organization id (key prefix `00D`) in its 18-character form, or undefined. */
export function salesforceOrganizationId(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith('00D')) return undefined;
  return salesforceEighteenCharacterId(value);
}

export interface SalesforceIdentity {
  readonly organizationId: string;
  readonly userId: string;
}

/**
 * The org and user named by an identity URL (the token response's `id`):
 * `https://login.salesforce.com/id/<orgId>/<userId>`. The host varies (sandboxes, My Domain).
 */
export function parseSalesforceIdentityUrl(identityUrl: unknown): SalesforceIdentity | undefined {
  if (typeof identityUrl !== 'string' || identityUrl.length > 2048) return undefined;
  let path: string;
  try {
    path = new URL(identityUrl).pathname;
  } catch {
    return undefined;
  }
  const match = /^\/id\/([^/]+)\/([^/]+)\/?$/.exec(path);
  const organizationId = salesforceOrganizationId(match?.[1]);
  const userId = match?.[2]?.startsWith('005') ? salesforceEighteenCharacterId(match[2]) : undefined;
  return organizationId && userId ? { organizationId, userId } : undefined;
}
