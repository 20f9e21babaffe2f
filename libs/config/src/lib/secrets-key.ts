const KEY_BYTES = 32;

/**
 * Parses SECRETS_KEY: 32 bytes written as 64 hex characters or as base64.
 * Returns undefined when the text is neither, so the caller can name the variable.
 */
export function parseSecretsKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed, 'base64');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  return undefined;
}
