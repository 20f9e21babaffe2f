/** The result of an OAuth code exchange or refresh, in one shape for every provider. */
export interface ProviderTokens {
  readonly accessToken: string;
  /** Absent when the provider keeps the old refresh token valid (Dropbox, Salesforce refresh). */
  readonly refreshToken?: string;
  readonly tokenType: string;
  /** ISO 8601; absent when the provider does not say. */
  readonly expiresAt?: string;
  readonly scope?: string;
  /** Provider facts to keep with the instance: `account_id`, `hub_id`, `realmId`, `instance_url`… */
  readonly providerData: Readonly<Record<string, string>>;
}

export interface CodeExchangeRequest {
  readonly code: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  /** Whatever else the provider sent back with the code (QuickBooks `realmId`). */
  readonly providerData: Readonly<Record<string, string>>;
  /** The instance configuration, for providers whose token endpoint depends on it (Graph's tenant). */
  readonly configuration?: Readonly<Record<string, string>>;
}

export interface TokenRefreshRequest {
  readonly refreshToken: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Kept facts, for providers whose token host depends on them. */
  readonly providerData: Readonly<Record<string, string>>;
}

/** OAuth 2.0 authorization-code flow against one provider's token endpoint. */
export interface OAuthFlow {
  exchangeCode(request: CodeExchangeRequest): Promise<ProviderTokens>;
  refresh(request: TokenRefreshRequest): Promise<ProviderTokens>;
}
