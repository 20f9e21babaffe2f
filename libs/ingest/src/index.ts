export * from './lib/ingest.module';
export * from './lib/ingest-options';
