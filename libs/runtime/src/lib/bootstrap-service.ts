import { INestApplication, Logger } from '@nestjs/common';
import { AppConfig, ConfigValidationError, loadConfig } from '@connector-events/config';
import { createServiceApp } from './create-service-app';
import { ServiceDefinition } from './service-definition';

/**
 * The whole `main.ts` of a service: validate the environment (exit 1 naming each bad
 * variable), build the app, listen on all interfaces, and exit 1 if start-up fails.
 */
export async function bootstrapService(
  definition: ServiceDefinition,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ app: INestApplication; config: AppConfig }> {
  let config: AppConfig;
  try {
    config = loadConfig(definition.service, env);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      process.stderr.write(`${definition.service}: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  try {
    const app = await createServiceApp(config, definition);
    await app.listen(config.port, '0.0.0.0');
    new Logger('bootstrap').log({ port: config.port, transport: definition.transport }, `${config.service} is listening`);
    stopOnSignals(app, definition);
    return { app, config };
  } catch (error) {
    process.stderr.write(`${definition.service}: failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  }
}

/** Ctrl-C or a SIGTERM from the orchestrator: finish in-flight work, close, exit 0. */
function stopOnSignals(app: INestApplication, definition: ServiceDefinition): void {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals): Promise<void> => {
    if (stopping) return;
    stopping = true;
    new Logger('bootstrap').log({ signal }, 'shutting down');
    try {
      await app.close();
      await definition.afterClose?.();
      process.exit(0);
    } catch (error) {
      process.stderr.write(`${definition.service}: unclean shutdown: ${String(error)}\n`);
      process.exit(1);
    }
  };
  process.once('SIGINT', (signal) => void stop(signal));
  process.once('SIGTERM', (signal) => void stop(signal));
}
