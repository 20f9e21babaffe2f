import { connectorErrors } from './connector-errors';
import { OAuthFlow, ProviderTokens } from './provider-tokens';
import { ProviderSession } from './provider-session';

export interface SessionCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly providerData: Readonly<Record<string, string>>;
}

/**
 * A `ProviderSession` over stored tokens: refreshes through the adapter's OAuth flow when the
 * provider refuses the access token (or it has expired), keeps a refresh token the provider did
 * not rotate, and tells the owner so the new tokens are stored. Concurrent refreshes share one call.
 */
export class RefreshingSession implements ProviderSession {
  private refreshing?: Promise<string>;

  constructor(
    private readonly oauth: OAuthFlow,
    private readonly credentials: SessionCredentials,
    private tokens: ProviderTokens,
    private readonly onRefreshed: (tokens: ProviderTokens) => Promise<void> | void = () => undefined,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async accessToken(): Promise<string> {
    const expiresAt = this.tokens.expiresAt ? Date.parse(this.tokens.expiresAt) : Infinity;
    // A token that expires within a minute would likely die in flight.
    if (expiresAt - this.clock().getTime() < 60_000 && this.tokens.refreshToken) return this.refreshedAccessToken();
    return this.tokens.accessToken;
  }

  refreshedAccessToken(): Promise<string> {
    this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  get current(): ProviderTokens {
    return this.tokens;
  }

  private async refresh(): Promise<string> {
    const refreshToken = this.tokens.refreshToken;
    if (!refreshToken) {
      throw connectorErrors.refreshRejected('the provider', 'the instance has no refresh token');
    }
    const fresh = await this.oauth.refresh({ ...this.credentials, refreshToken });
    this.tokens = {
      ...fresh,
      refreshToken: fresh.refreshToken ?? refreshToken,
      providerData: { ...this.tokens.providerData, ...fresh.providerData },
    };
    await this.onRefreshed(this.tokens);
    return this.tokens.accessToken;
  }
}
