import { PollerConfiguration } from './poller-resource-configuration';

/** What a provider can be polled for, and the default `event.poller.configuration`. */
export interface PollingDefinitions {
  /** Objects that can be polled, as named in `event.objects` and `objectType`. */
  readonly objects: readonly string[];
  /** The objects polled when `event.objects` is empty. */
  readonly defaultObjects: readonly string[];
  /** The default configuration for the given objects; unknown objects are a configuration error. */
  configuration(objects?: readonly string[]): PollerConfiguration;
}
