// Fails when dist/ is not what `npm run bundle` makes of the current source. Builds into a
// temporary folder and compares every file, so the working tree is left as it is.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const out = mkdtempSync(join(tmpdir(), 'neon-preview-dist-'));
try {
  execFileSync('npx', ['ncc', 'build', 'src/index.ts', '-o', out, '--source-map', '--no-source-map-register', '--license', 'licenses.txt'], { stdio: ['ignore', 'ignore', 'inherit'] });
  execFileSync(process.execPath, ['scripts/source-hash.mjs', out]);
  const list = (dir) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)))
      .sort();
  const built = list(out);
  const committed = list('dist');
  const problems = [];
  for (const file of new Set([...built, ...committed])) {
    if (!built.includes(file)) problems.push(`dist/${file} is not produced by the build any more`);
    else if (!committed.includes(file)) problems.push(`dist/${file} is missing`);
    else if (!readFileSync(join(out, file)).equals(readFileSync(join('dist', file)))) problems.push(`dist/${file} differs from the build`);
  }
  if (problems.length > 0) {
    console.error(`dist/ is stale; run \`npm run bundle\` and commit dist/:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`dist/ matches the build (${built.length} files)`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
