#!/usr/bin/env node
/**
 * `pnpm pack:libs [--out <dir>] [name …]`: builds the @sanad/* libraries and packs each into an
 * npm tarball in `<dir>` (default `packs/`), for projects outside this repository while the
 * packages are not published. `workspace:*` dependencies become the exact sibling versions, and
 * every @sanad/* dependency of a packed library must be packed too, so the tarballs install
 * together with `npm install <dir>/*.tgz` and nothing is looked up under a @sanad/ name.
 *
 * Only npm and node are needed (no pnpm), so `npm run pack:libs` works the same.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const LIBRARIES = ['core', 'openid4vc', 'issuer', 'wallet', 'verifier'];

const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const out = resolve(outAt >= 0 ? args[outAt + 1] : join(root, 'packs'));
const chosen = outAt < 0 ? args : args.filter((_, i) => i !== outAt && i !== outAt + 1);
const names = chosen.length > 0 ? chosen.map((n) => n.replace(/^@sanad\//, '')) : LIBRARIES;

const manifests = new Map(
  LIBRARIES.map((dir) => [
    dir,
    JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')),
  ]),
);
const versionOf = new Map([...manifests.values()].map((m) => [m.name, m.version]));
for (const name of names)
  if (!manifests.has(name))
    throw new Error(`pack-libs: ${name} is not one of ${LIBRARIES.join(', ')}.`);

// Every @sanad/* dependency must travel with the library that needs it.
const packed = new Set(names.map((n) => manifests.get(n).name));
for (const name of names) {
  for (const dep of Object.keys(manifests.get(name).dependencies ?? {})) {
    if (dep.startsWith('@sanad/') && !packed.has(dep))
      throw new Error(`pack-libs: ${manifests.get(name).name} needs ${dep}: pack it too.`);
  }
}

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(
  process.execPath,
  [tsc, '-b', ...names.map((n) => join(root, 'packages', n, 'tsconfig.build.json'))],
  { stdio: 'inherit' },
);

/** The manifest as published: exact versions for workspace dependencies, no source-only export condition. */
function publishedManifest(manifest) {
  const dependencies = Object.fromEntries(
    Object.entries(manifest.dependencies ?? {}).map(([dep, range]) => [
      dep,
      String(range).startsWith('workspace:') ? versionOf.get(dep) : range,
    ]),
  );
  const exports = Object.fromEntries(
    Object.entries(manifest.exports ?? {}).map(([path, target]) => [
      path,
      typeof target === 'object'
        ? Object.fromEntries(
            Object.entries(target).filter(([condition]) => condition !== '@sanad/source'),
          )
        : target,
    ]),
  );
  const { scripts: _scripts, devDependencies: _dev, ...rest } = manifest;
  return { ...rest, exports, dependencies };
}

mkdirSync(out, { recursive: true });
const staging = mkdtempSync(join(tmpdir(), 'sanad-pack-'));
try {
  for (const name of names) {
    const dir = join(root, 'packages', name);
    const stage = join(staging, name);
    mkdirSync(stage);
    writeFileSync(
      join(stage, 'package.json'),
      `${JSON.stringify(publishedManifest(manifests.get(name)), null, 2)}\n`,
    );
    cpSync(join(dir, 'dist'), join(stage, 'dist'), {
      recursive: true,
      filter: (src) => !src.endsWith('.tsbuildinfo'),
    });
    for (const file of ['README.md', 'LICENSE'])
      if (existsSync(join(dir, file))) cpSync(join(dir, file), join(stage, file));
    const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', out], {
      cwd: stage,
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .at(-1);
    process.stdout.write(`${join(out, tarball)}\n`);
  }
} finally {
  rmSync(staging, { recursive: true, force: true });
}
if (readdirSync(out).length === 0) throw new Error('pack-libs: nothing was packed.');
