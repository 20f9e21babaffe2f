import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from '@connector-events/testing';

/** Process tests run what `npm run build` makes; building first keeps them from testing stale code. */
export function buildApps(): void {
  execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build.mjs')], { cwd: REPO_ROOT, stdio: 'pipe' });
}
