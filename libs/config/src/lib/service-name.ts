/** The five services of the architecture, plus the one-process launcher that runs them all. */
export const SERVICE_NAMES = ['instance-service', 'webhook-ingest', 'poller', 'normalizer', 'notifier'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** Default HTTP ports; the embedded launcher serves everything on the instance-service port. */
export const DEFAULT_PORTS: Readonly<Record<ServiceName | 'embedded', number>> = {
  'instance-service': 3000,
  'webhook-ingest': 3001,
  poller: 3002,
  normalizer: 3003,
  notifier: 3004,
  embedded: 3000,
};
