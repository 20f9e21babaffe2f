export * from './lib/mask-secret';
export * from './lib/secret-box';
