import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '@connector-events/testing';

/**
 * Faults of the infrastructure, made with the project's own scripts (no Docker): the Kafka
 * broker crashed (SIGKILL, data kept) and started again, the PostgreSQL cluster stopped and
 * started again. Each runs asynchronously, so the test process keeps serving the provider
 * stream and the callback meanwhile. `KAFKA_STATE_DIR`/`PG_CLUSTER` (see the scripts) point
 * them at a private broker or cluster.
 */
export interface InfraStep {
  readonly command: string;
  readonly seconds: number;
  readonly output: string;
}

/** Runs `bash scripts/infra/<script> <action>`; rejects with its output when it fails. */
export async function infraScript(script: 'kafka.sh' | 'postgres.sh' | 'up.sh', action?: string): Promise<InfraStep> {
  const args = [path.join(REPO_ROOT, 'scripts/infra', script), ...(action ? [action] : [])];
  const started = Date.now();
  const child = spawn('bash', args, { cwd: REPO_ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  const command = `${script}${action ? ` ${action}` : ''}`;
  if (code !== 0) throw new Error(`scripts/infra/${command} exited with ${code}:\n${output}`);
  return { command, seconds: (Date.now() - started) / 1000, output };
}

/** The broker crashes (kill -9), stays down `downMs`, and is started again; resolves once it answers. */
export async function crashAndRestartKafka(downMs: number): Promise<InfraStep[]> {
  const steps = [await infraScript('kafka.sh', 'kill')];
  await sleep(downMs);
  steps.push(await infraScript('kafka.sh', 'start'));
  return steps;
}

/** PostgreSQL stops (clients disconnected), stays down `downMs`, and starts again; resolves once it answers. */
export async function restartPostgres(downMs: number): Promise<InfraStep[]> {
  const steps = [await infraScript('postgres.sh', 'stop')];
  await sleep(downMs);
  steps.push(await infraScript('postgres.sh', 'start'));
  return steps;
}

/**
 * Both servers up and answering (`up.sh` is idempotent): for `afterAll`, so a failed test never
 * leaves the next suite without its broker or database.
 */
export async function ensureInfrastructureUp(): Promise<void> {
  await infraScript('up.sh');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
