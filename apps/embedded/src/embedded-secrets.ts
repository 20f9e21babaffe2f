import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface EmbeddedSecrets {
  readonly secretsKey: string;
  readonly organizationSecret: string;
  readonly userSecret: string;
}

/**
 * The secrets of a local install: made once, kept in `<dataDir>/secrets.json` (mode 600) so
 * stored data stays readable and the printed credentials keep working across restarts.
 */
export function loadOrCreateSecrets(dataDir: string): { secrets: EmbeddedSecrets; created: boolean } {
  const file = path.join(dataDir, 'secrets.json');
  if (existsSync(file)) return { secrets: JSON.parse(readFileSync(file, 'utf8')) as EmbeddedSecrets, created: false };
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets: EmbeddedSecrets = {
    secretsKey: randomBytes(32).toString('base64'),
    organizationSecret: randomBytes(24).toString('hex'),
    userSecret: randomBytes(24).toString('hex'),
  };
  writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  return { secrets, created: true };
}
