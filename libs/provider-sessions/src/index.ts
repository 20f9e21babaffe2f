export * from './lib/instance-token-sessions';
export * from './lib/refreshed-tokens-store';
export * from './lib/token-choice';
