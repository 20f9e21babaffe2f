// Nest and class-transformer read decorator metadata; apps load this in main.ts.
require('reflect-metadata');
// Library warnings (retries, dead letters) are expected in tests; TEST_LOG=1 shows them.
if (!process.env.TEST_LOG) require('@nestjs/common').Logger.overrideLogger(['error', 'fatal']);
