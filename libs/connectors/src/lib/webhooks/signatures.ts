import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export type DigestEncoding = 'hex' | 'base64';
export type DigestAlgorithm = 'sha256' | 'sha1' | 'sha512';

export function hmacDigest(
  algorithm: DigestAlgorithm,
  key: string,
  message: Buffer | string,
  encoding: DigestEncoding,
): string {
  return createHmac(algorithm, key).update(message).digest(encoding);
}

export function sha256Hex(message: Buffer | string): string {
  return createHash('sha256').update(message).digest('hex');
}

/** Constant-time string comparison; unequal lengths are simply unequal. */
export function safeEqual(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(received, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
