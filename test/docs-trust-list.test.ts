/**
 * Issue 14, why 6: the commands of docs/trust-list.md run as written, in order, in an empty
 * folder — an authority makes its key, lists two issuers, signs, removes one, signs again — and
 * the list they make is one a verifier pinning the public key accepts. The same for
 * docs/verifier-registry.md (issue 15 §5) and the registry a wallet pinning its key accepts.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTrustList, loadVerifierRegistry } from '@sanad/core';
import { afterAll, describe, expect, it } from 'vitest';
import { codeBlocks } from './support/markdown.js';
import { runSanad, type SanadRun } from './support/sanad-cli.js';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'sanad-docs-trust-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Shell words of one command line: plain words and "double-quoted" ones (all the page uses). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/** Runs `sanad …` in `cwd`, as typed there (relative paths resolve against it). */
async function inFolder(cwd: string, args: string[]): Promise<SanadRun> {
  const before = process.cwd();
  process.chdir(cwd);
  try {
    return await runSanad(args);
  } finally {
    process.chdir(before);
  }
}

describe('docs/trust-list.md', () => {
  it('every sanad command of the page runs as written, and the signed list verifies with the pinned public key', async () => {
    const lines = codeBlocks(
      'docs/trust-list.md',
      readFileSync(join(root, 'docs/trust-list.md'), 'utf8'),
      'sh',
    )
      .flatMap((block) => block.code.split('\n'))
      .filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThanOrEqual(7);
    for (const line of lines) {
      const [command, ...args] = words(line);
      expect(command, line).toBe('sanad');
      const run = await inFolder(work, args);
      expect({ line, code: run.code, stderr: run.stderr }).toEqual({ line, code: 0, stderr: '' });
    }
    expect(statSync(join(work, 'authority-key.jwk.json')).mode & 0o777).toBe(0o600);
    const list = await loadTrustList(readFileSync(join(work, 'trust.jws'), 'utf8'), {
      pinnedKey: JSON.parse(readFileSync(join(work, 'authority.jwk.json'), 'utf8')),
    });
    expect(list.signed).toBe(true);
    expect(list.document.issuers.map((i) => i.name)).toEqual([
      'Refugee Agency — Amman field office',
    ]);
    expect(Date.parse(list.document.expires_at!) - Date.now()).toBeGreaterThan(179 * 86_400_000);
  });
});

describe('docs/verifier-registry.md', () => {
  it('every sanad command of docs/verifier-registry.md runs as written', async () => {
    const page = 'docs/verifier-registry.md';
    const runs = codeBlocks(page, readFileSync(join(root, page), 'utf8'), 'sh').filter((b) =>
      b.note?.includes('"every sanad command of docs/verifier-registry.md runs as written"'),
    );
    const lines = runs.flatMap((block) => block.code.split('\n')).filter((l) => l.trim() !== '');
    expect(lines.length).toBeGreaterThanOrEqual(6);
    const folder = mkdtempSync(join(work, 'registry-'));
    const signed: string[] = [];
    for (const line of lines) {
      const [command, ...args] = words(line);
      expect(command, line).toBe('sanad');
      const run = await inFolder(folder, args);
      expect({ line, code: run.code, stderr: run.stderr }).toEqual({ line, code: 0, stderr: '' });
      if (args[1] === 'sign') signed.push(readFileSync(join(folder, 'registry.jws'), 'utf8'));
    }
    const pinnedKey = JSON.parse(readFileSync(join(folder, 'registry-authority.jwk.json'), 'utf8'));
    const [registered, withdrawn] = await Promise.all(
      signed.map((jws) => loadVerifierRegistry(jws, { pinnedKey })),
    );
    expect(registered!.document.verifiers.map((v) => v.names)).toEqual([
      { en: 'Al Noor Clinic', ar: 'عيادة النور' },
    ]);
    expect(withdrawn!.document.verifiers).toEqual([]);
  });
});
