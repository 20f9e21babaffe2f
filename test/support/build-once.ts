import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '@connector-events/testing';

const STAMP = path.join(REPO_ROOT, 'dist', '.built-at');
const LOCK = path.join(REPO_ROOT, '.build.lock');
const LOCK_WAIT_MS = 120_000;

/**
 * Process tests run what `npm run build` makes. The build empties `dist/` first, so two Jest
 * workers building at once would pull it from under each other's processes: build only when a
 * source is newer than the last build, and one worker at a time.
 */
export function buildApps(): void {
  if (isFresh()) return;
  acquireLock();
  try {
    if (!isFresh()) execFileSync(process.execPath, [path.join(REPO_ROOT, 'scripts/build.mjs')], { cwd: REPO_ROOT, stdio: 'pipe' });
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

function isFresh(): boolean {
  return existsSync(STAMP) && statSync(STAMP).mtimeMs >= newestSource(['apps', 'libs'].map((dir) => path.join(REPO_ROOT, dir)));
}

function newestSource(dirs: string[]): number {
  let newest = 0;
  for (const dir of dirs) {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) newest = Math.max(newest, newestSource([full]));
      else if (entry.name.endsWith('.ts') || entry.name.endsWith('.json')) newest = Math.max(newest, statSync(full).mtimeMs);
    }
  }
  return newest;
}

/** `mkdir` is atomic: whoever creates the directory holds the lock. */
function acquireLock(): void {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch {
      if (Date.now() > deadline) throw new Error(`${LOCK} held for over ${LOCK_WAIT_MS} ms; remove it if no build runs`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
}
