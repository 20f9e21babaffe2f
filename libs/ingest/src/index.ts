export * from './lib/ingest.module';
