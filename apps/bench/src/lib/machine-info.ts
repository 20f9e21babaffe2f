import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';

export interface MachineInfo {
  readonly cpuModel: string;
  readonly cpus: number;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  readonly kafka: string;
  readonly postgres: string;
  readonly gitCommit: string;
  /** 1-minute load average when the run started: other work on the machine moves every figure. */
  readonly loadAverageAtStart: number;
}

/** What the figures were taken on, so runs on different machines are not compared blindly. */
export async function machineInfo(repoRoot: string, databaseUrl: string): Promise<MachineInfo> {
  const pom = readFileSync(path.join(repoRoot, 'tools/kafka/pom.xml'), 'utf8');
  return {
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown',
    cpus: os.cpus().length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    kafka: /<kafka.version>([^<]+)<\/kafka.version>/.exec(pom)?.[1] ?? 'unknown',
    postgres: await postgresVersion(databaseUrl),
    gitCommit: gitCommit(repoRoot),
    loadAverageAtStart: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

async function postgresVersion(url: string): Promise<string> {
  const client = new Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  } catch {
    return 'unknown';
  } finally {
    await client.end().catch(() => undefined);
  }
}

function gitCommit(repoRoot: string): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}
