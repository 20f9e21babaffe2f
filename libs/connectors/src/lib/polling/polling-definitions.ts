import { PollerConfiguration } from './poller-resource-configuration';

/** What a provider can be polled for, and the default `event.poller.configuration`. */
export interface PollingDefinitions {
  /** Objects that can be polled, as named in `event.objects` and `objectType`. */
  readonly objects: readonly string[];
  /** The objects polled when `event.objects` is empty. */
  readonly defaultObjects: readonly string[];
  /** The default configuration for the given objects; unknown objects are a configuration error. */
  configuration(objects?: readonly string[]): PollerConfiguration;
  /**
   * The base the resource URLs (and relative next-page URLs) are relative to, for an instance's
   * provider data: the provider's API host, or `PROVIDER_BASE_URL_<KEY>` when set.
   */
  apiBaseUrl(providerData: Readonly<Record<string, string>>): string;
}
