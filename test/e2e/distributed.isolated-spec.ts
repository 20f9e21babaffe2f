import { describePipeline } from './support/pipeline-scenario';

// The five services as separate processes over the real Kafka broker and PostgreSQL server.
describePipeline('distributed');
