/**
 * docs/agency-guide.md, "Registration drives": every shell block of the section runs as written,
 * in order, from a folder where `examples/` is the repository's, as a reader at the root of the
 * checkout runs it. `sanad …` lines run the real CLI (in-process, in the reader's current folder);
 * `cd` changes that folder; any other line runs in /bin/sh. Each must succeed.
 */
import { execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { runSanad } from '../support/sanad-cli.js';

const root = join(import.meta.dirname, '..', '..');
const work = mkdtempSync(join(tmpdir(), 'sanad-guide-drive-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The shell commands of a section, continuation lines joined, comments and blank lines dropped. */
function commandsOf(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n${heading}\n`);
  expect(start).toBeGreaterThan(-1);
  const end = markdown.indexOf('\n## ', start + heading.length + 2);
  const section = markdown.slice(start, end === -1 ? undefined : end);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks
    .flatMap((b) => b.replace(/\\\n\s*/g, '').split('\n'))
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** Splits a command line into words: plain words, 'single-quoted' and "double-quoted" ones. */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

it('the registration-drive walk-through in docs/agency-guide.md runs as written', async () => {
  symlinkSync(join(root, 'examples'), join(work, 'examples'));
  const commands = commandsOf(
    readFileSync(join(root, 'docs', 'agency-guide.md'), 'utf8'),
    '## Registration drives',
  );
  expect(
    commands.filter((c) => /\bsanad issuer (issue-batch|hand-out|destroy-results)\b/.test(c)),
  ).toHaveLength(3);
  let cwd = work;
  const outputs = new Map<string, string>();
  const home = process.cwd();
  try {
    for (const command of commands) {
      const cd = /^cd (\S+)$/.exec(command);
      if (cd) {
        cwd = resolve(cwd, cd[1]!);
        continue;
      }
      const sanad = /^((?:[A-Z_]+='[^']*' )*)sanad (.+)$/.exec(command);
      if (!sanad) {
        execSync(command, { cwd, shell: '/bin/sh', stdio: 'pipe' });
        continue;
      }
      const env = Object.fromEntries(
        [...sanad[1]!.matchAll(/([A-Z_]+)='([^']*)'/g)].map((m) => [m[1]!, m[2]!]),
      );
      process.chdir(cwd);
      const run = await runSanad(words(sanad[2]!), env);
      process.chdir(home);
      expect(run.code, `${command}\n${run.stdout}${run.stderr}`).toBe(0);
      outputs.set(words(sanad[2]!).slice(0, 2).join(' '), run.stdout);
    }
  } finally {
    process.chdir(home);
  }
  // What the guide says these commands print.
  expect(outputs.get('issuer issue-batch')).toContain('Issued 5 credential(s) to results.jsonl');
  expect(outputs.get('issuer hand-out')).toContain('Wrote 5 bundle file(s) to handout');
  expect(outputs.get('wallet import')).toContain('Copies: 3.');
  expect(outputs.get('issuer destroy-results')).toContain(
    'Destroyed results.jsonl and 5 bundle file(s) in handout',
  );
});
