import { ConnectorAdapter } from '../core/connector-adapter';
import { connectorErrors } from '../core/connector-errors';
import { ConnectorModule } from '../core/connector-module';
import { ProviderHttpClient } from '../http/provider-http-client';

export interface ConnectorRegistryOptions {
  readonly modules: readonly ConnectorModule[];
  /** Lower-case element key → base URL (from `PROVIDER_BASE_URL_<KEY>`). */
  readonly providerBaseUrls?: Readonly<Record<string, string>>;
  readonly http?: ProviderHttpClient;
  readonly clock?: () => Date;
}

/** The connectors of this deployment, found by element key or alias, case-insensitively. */
export class ConnectorRegistry {
  private readonly byKey = new Map<string, ConnectorAdapter>();
  private readonly adapters: ConnectorAdapter[] = [];

  constructor(options: ConnectorRegistryOptions) {
    const http = options.http ?? new ProviderHttpClient();
    const clock = options.clock ?? (() => new Date());
    for (const module of options.modules) {
      const { elementKey, aliases } = module.descriptor;
      const adapter = module.create({ http, clock, baseUrlOverride: options.providerBaseUrls?.[elementKey] });
      for (const key of [elementKey, ...aliases]) {
        if (this.byKey.has(key)) throw new Error(`two connectors claim the key "${key}"`);
        this.byKey.set(key, adapter);
      }
      this.adapters.push(adapter);
    }
  }

  find(key: string): ConnectorAdapter | undefined {
    return this.byKey.get(key.toLowerCase());
  }

  /** Like `find`, but an unknown key is a `connector_unknown` error (404). */
  get(key: string): ConnectorAdapter {
    const adapter = this.find(key);
    if (!adapter) throw connectorErrors.unknownConnector(key);
    return adapter;
  }

  list(): readonly ConnectorAdapter[] {
    return this.adapters;
  }
}
