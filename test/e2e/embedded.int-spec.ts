import { describePipeline } from './support/pipeline-scenario';

// `npm start`: all five services in one process over the in-process bus and PGlite.
describePipeline('embedded');
