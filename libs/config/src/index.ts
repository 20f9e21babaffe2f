export * from './lib/app-config';
export * from './lib/config-validation.error';
export * from './lib/environment-variables';
export * from './lib/known-variables';
export * from './lib/load-config';
export * from './lib/log-level';
export * from './lib/secrets-key';
export * from './lib/service-name';
