import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { waitFor } from './wait-for';

/**
 * The repository root, from this file's place in it (libs/testing/src/lib), also when it runs
 * built from dist/libs/testing/src/lib (the demo and benchmarks).
 */
const ABOVE_LIBS = path.resolve(__dirname, '../../../..');
export const REPO_ROOT = path.basename(ABOVE_LIBS) === 'dist' ? path.dirname(ABOVE_LIBS) : ABOVE_LIBS;

export interface ServiceProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything the process printed so far (stdout and stderr). */
  output(): string;
  /** Sends a signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Runs a built app (`dist/apps/<app>/src/main.js`) as its own process, like production does. */
export function spawnApp(app: string, env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/apps', app, 'src/main.js')], {
    cwd: REPO_ROOT,
    env: { PATH: process.env['PATH'], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Starts an app and waits until its /health/ready answers 200. */
export async function startApp(app: string, env: NodeJS.ProcessEnv & { PORT: string }, timeoutMs = 60_000): Promise<ServiceProcess> {
  const { child, output, exited } = spawnApp(app, env);
  const url = `http://127.0.0.1:${env.PORT}`;
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  try {
    await waitFor(
      async () => {
        if (exitCode !== undefined) throw new Error(`${app} exited with ${exitCode}:\n${output()}`);
        const answer = await fetch(`${url}/health/ready`).catch(() => undefined);
        return answer?.status === 200 ? true : undefined;
      },
      { timeoutMs, intervalMs: 200, what: `${app} to be ready` },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\n--- ${app} output ---\n${output()}`);
  }
  return {
    url,
    child,
    output,
    stop: async (signal = 'SIGTERM') => {
      if (exitCode === undefined) child.kill(signal);
      return exited;
    },
  };
}
