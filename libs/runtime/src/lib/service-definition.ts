import { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { ServiceName } from '@connector-events/config';
import { MessagingTransport } from '@connector-events/messaging';

/** What a process runs: which service (or all of them), over which bus, with which feature modules. */
export interface ServiceDefinition {
  readonly service: ServiceName | 'embedded';
  readonly transport: MessagingTransport;
  readonly features: ReadonlyArray<Type | DynamicModule>;
  /** Replaces the `pg` module for every data source (the embedded PGlite's shared connection). */
  readonly pgDriver?: object;
  /** Adds to the built app before it listens (instance-service serves its OpenAPI document here). */
  readonly configureApp?: (app: INestApplication) => void;
  /** Runs after the app closed on SIGINT/SIGTERM (the embedded mode stops its database here). */
  readonly afterClose?: () => Promise<void>;
}
