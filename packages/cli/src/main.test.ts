/** Start-up: a run loads only the command it names, and the listing of the others matches the full tree. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createProgram } from './main.js';

const root = join(import.meta.dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'sanad-start-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs `sanad <args>` from the sources and returns the files it loaded (a module hook writes each URL). */
function modulesLoadedBy(args: string[]): string[] {
  const log = join(work, `loaded-${args.join('-')}.txt`);
  const hooks = join(work, 'hooks.mjs');
  writeFileSync(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function load(url, context, next) { appendFileSync(${JSON.stringify(log)}, url + '\\n'); return next(url, context); }\n`,
  );
  const register = join(work, 'register.mjs');
  writeFileSync(
    register,
    `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`,
  );
  const run = spawnSync(
    process.execPath,
    [
      '--conditions=@sanad/source',
      '--import',
      import.meta.resolve('tsx'),
      '--import',
      pathToFileURL(register).href,
      join(root, 'packages/cli/src/bin.ts'),
      ...args,
    ],
    { cwd: work, encoding: 'utf8', input: '' },
  );
  expect(run.status, run.stderr).toBe(0);
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((url) => url.startsWith('file:'));
}

describe('sanad start-up', () => {
  it('`sanad --help` loads commander and the exit codes, none of the libraries', () => {
    const loaded = modulesLoadedBy(['--help']);
    const sanadFiles = loaded
      .filter((url) => url.includes('/packages/'))
      .map((url) => url.slice(url.indexOf('/packages/') + 1));
    expect(sanadFiles.sort()).toEqual([
      'packages/cli/src/bin.ts',
      'packages/cli/src/exit-codes.ts',
      'packages/cli/src/main.ts',
      'packages/core/src/errors.ts',
    ]);
    const packages = new Set(
      loaded
        .filter((url) => url.includes('/node_modules/.pnpm/'))
        .map((url) => /\.pnpm\/([^/]+)\//.exec(url)![1]!.replace(/@[^@]+$/, '')),
    );
    expect([...packages]).toEqual(['commander']);
  });

  it('`sanad verify` loads the verifier, not the wallet, issuer or services', () => {
    const loaded = modulesLoadedBy(['verify', '--help']);
    expect(loaded.some((url) => url.includes('/packages/verifier/src/'))).toBe(true);
    expect(
      loaded.filter((url) => /\/packages\/(wallet|issuer|server|openid4vc)\//.test(url)),
    ).toEqual([]);
    // Nor the HTTP client (loaded on a first request), the OpenID4VC libraries and their zod, or jose's index.
    expect(
      loaded.filter((url) =>
        /\.pnpm\/(undici|zod|@openid4vc)[@+]|\/jose\/dist\/webapi\/index\.js/.test(url),
      ),
    ).toEqual([]);
  });

  it('lists the commands it has not loaded as the full tree lists them', async () => {
    const full = (await createProgram()).helpInformation();
    expect((await createProgram([])).helpInformation()).toBe(full);
    for (const command of (await createProgram()).commands) {
      expect((await createProgram([command.name()])).helpInformation(), command.name()).toBe(full);
    }
  });
});
