/**
 * Issue 14, why 8: a project outside this repository installs `@sanad/verifier` as
 * docs/verifier-guide.md says — `pnpm pack:libs`, then `npm install` of the core and verifier
 * tarballs into a fresh folder — and the guide's two examples run there, as written, under plain
 * Node: a request is made, the holder's wallet answers it, the answer is verified against a
 * signed trust list and a cached status list, and a second check of the same answer is a replay.
 *
 * Slow by nature (a build, a pack and an npm install from the registry for the third-party
 * dependencies); it prints how long each step took. Measured on the 2-core machine: about 50 s
 * cold (build and pack 28 s, npm install with an empty npm cache 15 s), about 10 s warm.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  generateKeyPair,
  type PresentationRequest,
  publicJwkOf,
  signerFromJwk,
  signTrustList,
} from '@sanad/core';
import { createDirectoryStatusCache, importStatusList } from '@sanad/verifier';
import { createMemoryStorage, createWallet } from '@sanad/wallet';
import { afterAll, describe, expect, it } from 'vitest';
import { amal, LOW_COST_WALLET, makeAgency, VCT } from '../support/fixtures.js';
import { codeBlocks } from '../support/markdown.js';
import { patient } from '../support/patience.js';

const root = join(import.meta.dirname, '../..');
const outside = mkdtempSync(join(tmpdir(), 'sanad-outside-'));
afterAll(() => rmSync(outside, { recursive: true, force: true }));

function timed<T>(label: string, timings: string[], run: () => T): T {
  const started = performance.now();
  const result = run();
  timings.push(`${label} ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return result;
}

function node(cwd: string, file: string): string {
  const run = spawnSync(process.execPath, [file], { cwd, encoding: 'utf8' });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return run.stdout;
}

describe('@sanad/verifier outside the repository (issue 14, why 8)', () => {
  it(
    'packs, installs with npm into a folder outside the repository, and runs the verifier guide examples there',
    async () => {
      expect(relative(root, outside).startsWith('..')).toBe(true);
      const timings: string[] = [];
      const packs = join(outside, 'packs');
      const packed = timed('pack:libs (build + pack)', timings, () =>
        execFileSync(
          process.execPath,
          [join(root, 'scripts/pack-libs.mjs'), '--out', packs, 'core', 'verifier'],
          { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
        ),
      );
      expect(readdirSync(packs).sort()).toEqual([
        'sanad-core-0.1.0.tgz',
        'sanad-verifier-0.1.0.tgz',
      ]);
      expect(packed.trim().split('\n')).toHaveLength(2);

      const project = join(outside, 'clinic-app');
      mkdirSync(project);
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({ name: 'clinic-app', private: true, type: 'module' }),
      );
      timed('npm install', timings, () =>
        execFileSync(
          'npm',
          [
            'install',
            '--no-audit',
            '--no-fund',
            '--loglevel=error',
            join(packs, 'sanad-core-0.1.0.tgz'),
            join(packs, 'sanad-verifier-0.1.0.tgz'),
          ],
          { cwd: project, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
        ),
      );
      // Real copies from the tarballs, the workspace dependency pinned to the packed version.
      expect(lstatSync(join(project, 'node_modules/@sanad/core')).isSymbolicLink()).toBe(false);
      const installed = JSON.parse(
        readFileSync(join(project, 'node_modules/@sanad/verifier/package.json'), 'utf8'),
      );
      expect(installed.dependencies['@sanad/core']).toBe('0.1.0');
      expect(JSON.stringify(installed.exports)).not.toContain('@sanad/source');

      // What the clinic receives from elsewhere: the authority's signed trust list and public key,
      // the issuer's status lists (its status server is out of reach: .example never resolves).
      const agency = await makeAgency('https://status.agency.example/status');
      const authority = await generateKeyPair('ES256');
      const doc = {
        type: 'sanad-trust-list' as const,
        version: 1 as const,
        issued_at: new Date().toISOString(),
        expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        issuers: [
          { id: agency.did, name: 'Refugee Agency — Amman field office', credential_types: [VCT] },
        ],
      };
      writeFileSync(
        join(project, 'trust.jws'),
        await signTrustList(doc, await signerFromJwk(authority.privateJwk)),
      );
      writeFileSync(
        join(project, 'authority.jwk.json'),
        JSON.stringify(publicJwkOf(authority.privateJwk)),
      );
      const wallet = await createWallet(
        createMemoryStorage(),
        'correct horse battery staple',
        LOW_COST_WALLET,
      );
      await wallet.import(
        (
          await agency.issuer.issue({
            type: 'refugee-status',
            claims: amal,
            holders: await wallet.createHolderKeys(1),
          })
        ).bundle,
      );
      const cache = createDirectoryStatusCache(join(project, 'data/status-cache'));
      for (const list of await agency.issuer.publishStatusLists())
        await importStatusList(cache, list.token);

      const [requestCode, verifyCode, ...more] = codeBlocks(
        'docs/verifier-guide.md',
        readFileSync(join(root, 'docs/verifier-guide.md'), 'utf8'),
        'ts',
      ).map((b) => b.code);
      expect(more).toEqual([]);
      writeFileSync(join(project, 'request.mjs'), requestCode!);
      writeFileSync(join(project, 'verify.mjs'), verifyCode!);

      timed('request.mjs', timings, () => node(project, 'request.mjs'));
      const request = JSON.parse(
        readFileSync(join(project, 'request.json'), 'utf8'),
      ) as PresentationRequest;
      const response = await wallet.present(
        wallet.decide(wallet.propose(request), { approve: true }),
      );
      writeFileSync(join(project, 'response.json'), JSON.stringify(response));

      const first = timed('verify.mjs', timings, () => node(project, 'verify.mjs'));
      expect(first).toBe('Adult: true, issued by Refugee Agency — Amman field office\n');
      expect(node(project, 'verify.mjs')).toBe('Refused: ERR_NONCE_REPLAYED\n');
      console.info(`outside-repo install: ${timings.join(', ')}`);
    },
    patient(600_000),
  );
});
