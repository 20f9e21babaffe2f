/**
 * Nest token of the process's Prometheus registry (a prom-client `Registry`), the one
 * `/metrics` serves. The runtime provides it; feature modules inject it to add their metrics.
 */
export const PROMETHEUS_REGISTRY = 'PROMETHEUS_REGISTRY';
