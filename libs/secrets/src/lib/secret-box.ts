import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const FORMAT = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value could not be opened: wrong key, wrong context, or tampered text. */
export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/**
 * Authenticated encryption (AES-256-GCM) of secret values with `SECRETS_KEY`, for the
 * database and for topic fields. `context` (such as `instance:42`) is bound in as associated
 * data, so a sealed value copied to another instance does not open there.
 * Format: `v1.<base64url(iv | tag | ciphertext)>`, versioned so the key or cipher can change.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new SecretBoxError('the secrets key must be 32 bytes');
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${FORMAT}.${Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString('base64url')}`;
  }

  open(sealed: string, context: string): string {
    const [format, payload] = sealed.split('.', 2);
    if (format !== FORMAT || !payload) throw new SecretBoxError(`not a sealed value of format ${FORMAT}`);
    const bytes = Buffer.from(payload, 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('the sealed value is truncated');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError('the sealed value does not open with this key and context');
    }
  }

  /** Seals a map of secret values as one JSON document. */
  sealRecord(values: Readonly<Record<string, string>>, context: string): string {
    return this.seal(JSON.stringify(values), context);
  }

  openRecord(sealed: string, context: string): Record<string, string> {
    const parsed: unknown = JSON.parse(this.open(sealed, context));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new SecretBoxError('the sealed record is not an object');
    }
    const record: Record<string, string> = {};
    for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') record[key] = value;
    return record;
  }
}
