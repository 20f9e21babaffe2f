import { createHash } from 'node:crypto';

/**
 * Organization and user secrets are long random tokens, so a plain SHA-256 is enough to keep
 * them out of the database while still allowing lookup by hash (as API-token stores do).
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}
