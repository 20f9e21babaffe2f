/** OAuth tokens a service refreshed itself, sealed with SECRETS_KEY for the instance, until the snapshot carries them. */
export interface StoredTokens {
  /** `{accessToken, refreshToken?}` sealed as on `oc.instances.tokens.v1`. */
  readonly sealedTokens: string;
  readonly expiresAt?: string;
  readonly providerData: Readonly<Record<string, string>>;
  readonly refreshedAt: string;
  /** SHA-256 (hex) of the snapshot's access token these replaced: while the snapshot shows it, they are newer. */
  readonly replacedAccessToken: string;
  /** Whether they were published to `oc.instances.tokens.v1` for instance-service to record. */
  readonly reported: boolean;
}

/** The part of a service's store that keeps the tokens it refreshed (its own schema's table). */
export interface RefreshedTokensStore {
  refreshedTokens(instanceId: number): Promise<StoredTokens | undefined>;
  saveRefreshedTokens(instanceId: number, tokens: StoredTokens): Promise<void>;
  /** Marks the tokens refreshed at `refreshedAt` as published (newer ones stay unreported). */
  markTokensReported(instanceId: number, refreshedAt: string): Promise<void>;
}
