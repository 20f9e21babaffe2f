import { SecretBox } from '@connector-events/secrets';

export interface PlainTokens {
  readonly accessToken: string;
  readonly refreshToken?: string;
}

/** Tokens on `oc.instances.tokens.v1` are sealed like every instance secret: bound to the instance. */
export function sealInstanceTokens(secretBox: SecretBox, instanceId: number, tokens: PlainTokens): string {
  return secretBox.sealRecord(
    { accessToken: tokens.accessToken, ...(tokens.refreshToken ? { refreshToken: tokens.refreshToken } : {}) },
    `instance:${instanceId}`,
  );
}

export function openInstanceTokens(secretBox: SecretBox, instanceId: number, sealed: string): PlainTokens {
  const record = secretBox.openRecord(sealed, `instance:${instanceId}`);
  const accessToken = record['accessToken'];
  if (!accessToken) throw new Error(`sealed tokens of instance ${instanceId} hold no access token`);
  return { accessToken, ...(record['refreshToken'] ? { refreshToken: record['refreshToken'] } : {}) };
}
