// Compiles apps/*/src and libs/*/src into dist/ with one SWC pass (about a second).
// SWC keeps decorator metadata, which Nest's dependency injection needs, and rewrites the
// @connector-events/* path aliases to relative requires, so dist/ runs with plain `node`.
// Type-checking is separate: `npm run typecheck`.
import { transformFile } from '@swc/core';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'dist');
const { compilerOptions } = JSON.parse(await readFile(path.join(root, 'tsconfig.base.json'), 'utf8'));

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(full);
    else if (/\.ts$/.test(entry.name) && !/\.(int-|isolated-)?spec\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      yield full;
    }
  }
}

async function projectSourceRoots() {
  const roots = [];
  for (const group of ['apps', 'libs']) {
    for (const entry of await readdir(path.join(root, group), { withFileTypes: true })) {
      if (entry.isDirectory()) roots.push(path.join(root, group, entry.name, 'src'));
    }
  }
  return roots;
}

const started = Date.now();
await rm(outDir, { recursive: true, force: true });
const files = [];
for (const sourceRoot of await projectSourceRoots()) {
  for await (const file of sources(sourceRoot)) files.push(file);
}

await Promise.all(
  files.map(async (file) => {
    const { code, map } = await transformFile(file, {
      swcrc: false,
      configFile: false,
      sourceMaps: true,
      sourceFileName: path.relative(path.join(outDir, path.relative(root, path.dirname(file))), file),
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        target: 'es2022',
        keepClassNames: true,
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        baseUrl: root,
        paths: compilerOptions.paths,
      },
      module: { type: 'commonjs', strictMode: true },
    });
    const target = path.join(outDir, path.relative(root, file)).replace(/\.ts$/, '.js');
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, `${code}\n//# sourceMappingURL=${path.basename(target)}.map\n`);
    if (map) await writeFile(`${target}.map`, map);
  }),
);
// Process tests skip their own build while this stamp is newer than every source.
await writeFile(path.join(outDir, '.built-at'), new Date().toISOString());
console.log(`[build] compiled ${files.length} files into dist/ in ${Date.now() - started} ms`);
