/** How secrets appear in API responses: present, but never readable. */
export const MASKED_SECRET = '********';

/** Replaces the values of `secretKeys` that are set with the mask. */
export function maskSecrets(
  values: Readonly<Record<string, string>>,
  secretKeys: ReadonlySet<string>,
): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) masked[key] = secretKeys.has(key) && value !== '' ? MASKED_SECRET : value;
  return masked;
}
