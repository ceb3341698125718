// The hash of what dist/ is built from (src/, package.json, package-lock.json), written to
// dist/source-hash.txt by `npm run bundle`: the end-to-end tests refuse a dist/ older than src/.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export function sourceHash() {
  const files = readdirSync(join(root, 'src'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) =>
      relative(root, join(e.parentPath ?? e.path, e.name))
        .split('\\')
        .join('/'),
    )
    .concat('package.json', 'package-lock.json')
    .sort();
  const hash = createHash('sha256');
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(readFileSync(join(root, file)))
      .update('\0');
  return hash.digest('hex');
}

// `node scripts/source-hash.mjs <dir>` writes <dir>/source-hash.txt.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(join(process.argv[2] ?? join(root, 'dist'), 'source-hash.txt'), `${sourceHash()}\n`);
}
