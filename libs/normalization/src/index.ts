export * from './lib/normalization.module';
export * from './lib/normalizer.database';
