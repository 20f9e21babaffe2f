/** The credentials of an Open Connectors `Authorization` header. */
export interface AuthorizationCredentials {
  readonly userSecret: string;
  readonly organizationSecret: string;
  readonly elementToken?: string;
}

const PART = /^(User|Organization|Element)\s+(\S+)$/i;

/**
 * Parses `User <secret>, Organization <secret>[, Element <token>]` (any order, each once).
 * Returns undefined for anything else, so the caller answers one clear 401.
 */
export function parseAuthorizationHeader(header: string | undefined): AuthorizationCredentials | undefined {
  if (!header || header.length > 2048) return undefined;
  const found = new Map<string, string>();
  for (const part of header.split(',')) {
    const match = PART.exec(part.trim());
    if (!match) return undefined;
    const kind = (match[1] ?? '').toLowerCase();
    if (found.has(kind)) return undefined;
    found.set(kind, match[2] ?? '');
  }
  const userSecret = found.get('user');
  const organizationSecret = found.get('organization');
  if (!userSecret || !organizationSecret) return undefined;
  const elementToken = found.get('element');
  return { userSecret, organizationSecret, ...(elementToken ? { elementToken } : {}) };
}
