export * from './callback-receiver';
export * from './connector-scenarios';
export * from './kafka-preparation';
export * from './open-connectors-client';
export * from './provider-fakes';
export * from './start-system';
export * from './event-object-tally';
export * from './steady-webhook-stream';
