import { INestApplication } from '@nestjs/common';
import { loadConfig } from '@connector-events/config';
import { IngestOptions, IngestModule } from '@connector-events/ingest';
import { MessagingTransport } from '@connector-events/messaging';
import { createServiceApp } from '@connector-events/runtime';
import { testEnvironment } from '@connector-events/testing';

export interface RunningIngest {
  readonly app: INestApplication;
  /** Where this process listens, e.g. `http://127.0.0.1:41234`. */
  readonly localUrl: string;
  /** `<localUrl>/elements/api-v2/events`. */
  readonly eventsUrl: string;
}

/** webhook-ingest in this process (as `main.ts` builds it), listening on a free loopback port. */
export async function startIngest(options: {
  transport: MessagingTransport;
  env?: NodeJS.ProcessEnv;
  ingest?: IngestOptions;
}): Promise<RunningIngest> {
  const config = loadConfig('webhook-ingest', testEnvironment({ PORT: '0', ...options.env }));
  const app = await createServiceApp(config, {
    service: 'webhook-ingest',
    transport: options.transport,
    features: [options.ingest ? IngestModule.withOptions(options.ingest) : IngestModule],
  });
  await app.listen(0, '127.0.0.1');
  const localUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, localUrl, eventsUrl: `${localUrl}/elements/api-v2/events` };
}
