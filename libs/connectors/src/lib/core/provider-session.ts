import { ConnectorError } from './connector-error';

/**
 * An instance's access to its provider's API. The owner (normalizer, poller) keeps the tokens;
 * `refreshedAccessToken` refreshes and stores them, and is called once when a token is refused.
 */
export interface ProviderSession {
  accessToken(): Promise<string>;
  refreshedAccessToken(): Promise<string>;
}

/** Runs a provider call with the access token, refreshing once if the provider refuses it. */
export async function withAccessToken<T>(session: ProviderSession, call: (token: string) => Promise<T>): Promise<T> {
  try {
    return await call(await session.accessToken());
  } catch (error) {
    if (!(error instanceof ConnectorError) || error.code !== 'provider_unauthorized') throw error;
    return call(await session.refreshedAccessToken());
  }
}
