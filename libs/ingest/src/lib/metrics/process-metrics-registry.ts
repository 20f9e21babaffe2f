import { DiscoveryService } from '@nestjs/core';
import { Registry } from 'prom-client';

/**
 * The process's Prometheus registry: the one runtime's `MetricsRegistry` holds and `/metrics`
 * serves. Feature libs may not import the runtime layer (module boundaries), so it is found
 * among the app's providers by what it holds, a prom-client `Registry` named `registry`.
 * Undefined when the app has none (a module tested on its own).
 */
export function processMetricsRegistry(discovery: DiscoveryService): Registry | undefined {
  for (const wrapper of discovery.getProviders()) {
    const registry = (wrapper.instance as { registry?: unknown } | null | undefined)?.registry;
    if (registry instanceof Registry) return registry;
  }
  return undefined;
}
