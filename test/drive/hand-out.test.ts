/**
 * Issue 14, "Why" point 4: nothing said how to hand out each person's bundle and then delete
 * `results.jsonl`, which holds everyone's data. `sanad issuer hand-out` writes one bundle file per
 * person that their wallet imports (`sanad wallet import`, a real wallet file); `sanad issuer
 * destroy-results` overwrites and deletes the results and those files, and keeps the journal
 * (no personal data) so that the same drive is never issued twice.
 */
import {
  linkSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HolderKey } from '@sanad/core';
import { createWallet, MIN_KDF, type WalletOptions } from '@sanad/wallet';
import { nodeScrypt, openFileStorage } from '@sanad/wallet/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { holderDids, person, registerBatches } from '../support/drive.js';
import { runSanad } from '../support/sanad-cli.js';

const work = mkdtempSync(join(tmpdir(), 'sanad-hand-out-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const issuerDir = join(work, 'issuer');
const PASS = 'a long wallet passphrase';
// The CLI opens wallets with the default policy, whose floor is MIN_KDF: the cheapest it accepts.
const LOW: WalletOptions = { kdf: nodeScrypt, kdfParams: MIN_KDF };

/** A person's own wallet file with `copies` fresh holder keys. */
async function walletWithKeys(
  name: string,
  copies: number,
): Promise<{ path: string; keys: HolderKey[] }> {
  const path = join(work, `${name}-wallet.json`);
  const wallet = await createWallet(await openFileStorage(path), PASS, LOW);
  const keys = await wallet.createHolderKeys(copies);
  await wallet.close();
  return { path, keys };
}

const sanad = (...args: string[]) => runSanad(args, { SANAD_WALLET_PASSPHRASE: PASS });

describe('hand-out and destruction of a drive', () => {
  let amal: { path: string; keys: HolderKey[] };
  let omar: { path: string; keys: HolderKey[] };
  const results = join(work, 'results.jsonl');

  beforeAll(async () => {
    expect(
      (
        await runSanad([
          'issuer',
          'init',
          '--dir',
          issuerDir,
          '--status-base-url',
          'https://agency.example/status',
        ])
      ).code,
    ).toBe(0);
    [amal, omar] = [await walletWithKeys('amal', 3), await walletWithKeys('omar', 2)];
    const lines = [
      JSON.stringify({
        holders: amal.keys.map((k) => k.did),
        claims: { ...person(1), given_name: 'Amal', case_number: 'AMM-2026-044817' },
      }),
      '',
      JSON.stringify({
        holders: omar.keys.map((k) => k.did),
        claims: { ...person(3), given_name: 'Omar', case_number: 'AMM/2026/9' },
      }),
      JSON.stringify({
        holder: (await holderDids(1))[0],
        claims: { given_name: 'No case number' },
      }),
    ];
    writeFileSync(join(work, 'people.jsonl'), `${lines.join('\n')}\n`);
    const drive = await sanad(
      'issuer',
      'issue-batch',
      '--dir',
      issuerDir,
      '--type',
      'refugee-status',
      '--input',
      join(work, 'people.jsonl'),
      '--out',
      results,
    );
    expect(drive.code).toBe(2); // line 4 is refused
  });

  it('writes one bundle file per person (by line, or by a claim), each imported by that person’s wallet', async () => {
    const handout = join(work, 'handout');
    const run = await sanad('issuer', 'hand-out', '--results', results, '--out', handout, '--json');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({
      bundles: 2,
      written: 2,
      refusedLines: [4],
      finished: true,
      files: [
        { line: 1, batchId: expect.any(String), file: 'line-000001.json' },
        { line: 3, batchId: expect.any(String), file: 'line-000003.json' },
      ],
    });
    expect(readdirSync(handout).sort()).toEqual(['line-000001.json', 'line-000003.json']);
    for (const f of readdirSync(handout))
      expect(statSync(join(handout, f)).mode & 0o777).toBe(0o600);
    // Run again (say after a crash): files already there are kept, nothing is overwritten.
    expect(
      JSON.parse(
        (await sanad('issuer', 'hand-out', '--results', results, '--out', handout, '--json'))
          .stdout,
      ),
    ).toMatchObject({ written: 0, alreadyThere: 2 });

    const amalImport = await sanad(
      'wallet',
      'import',
      join(handout, 'line-000001.json'),
      '--wallet',
      amal.path,
      '--json',
    );
    expect(amalImport.code, amalImport.stdout).toBe(0);
    expect(JSON.parse(amalImport.stdout)).toMatchObject({ copies: 3 });
    // A bundle is for its person only: another wallet refuses it.
    expect(
      JSON.parse(
        (
          await sanad(
            'wallet',
            'import',
            join(handout, 'line-000003.json'),
            '--wallet',
            amal.path,
            '--json',
          )
        ).stdout,
      ).error.code,
    ).toBe('ERR_CREDENTIAL_INVALID');

    const byCase = join(work, 'by-case');
    expect(
      (
        await sanad(
          'issuer',
          'hand-out',
          '--results',
          results,
          '--out',
          byCase,
          '--name-by',
          'case_number',
        )
      ).code,
    ).toBe(0);
    expect(readdirSync(byCase).sort()).toEqual(['AMM-2026-044817.json', 'AMM_2026_9.json']);
    const omarImport = await sanad(
      'wallet',
      'import',
      join(byCase, 'AMM_2026_9.json'),
      '--wallet',
      omar.path,
      '--json',
    );
    expect(JSON.parse(omarImport.stdout)).toMatchObject({ copies: 2 });
  });

  it('refuses names that would clash, naming the lines and never the claim value', async () => {
    const dids = await holderDids(2);
    const twice = join(work, 'twice.jsonl');
    writeFileSync(
      twice,
      [
        JSON.stringify({ holder: dids[0], claims: person(7) }),
        JSON.stringify({
          holder: dids[1],
          claims: { ...person(8), case_number: person(7).case_number.toLowerCase() },
        }),
      ].join('\n'),
    );
    const out = join(work, 'twice-results.jsonl');
    expect(
      (
        await sanad(
          'issuer',
          'issue-batch',
          '--dir',
          issuerDir,
          '--type',
          'refugee-status',
          '--input',
          twice,
          '--out',
          out,
        )
      ).code,
    ).toBe(0);
    const run = await sanad(
      'issuer',
      'hand-out',
      '--results',
      out,
      '--out',
      join(work, 'twice-handout'),
      '--name-by',
      'case_number',
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(
      'sanad: Lines 1 and 2 would get the same file name with --name-by case_number. (ERR_HANDOUT_NAME_INVALID)\n',
    );
    expect(() => readdirSync(join(work, 'twice-handout'))).toThrow(); // nothing written
    const missing = await sanad(
      'issuer',
      'hand-out',
      '--results',
      out,
      '--out',
      join(work, 'twice-handout'),
      '--name-by',
      'photo_digest',
    );
    expect(missing.stderr).toContain('Line 1 has no usable "photo_digest" claim');
  });

  it('destroy-results overwrites the results before deleting them, removes the bundle files, and the drive cannot be issued again', async () => {
    const journal = `${results}.journal`;
    // A second name for the same bytes shows what happened to them.
    const witness = join(work, 'witness');
    linkSync(results, witness);
    const size = statSync(results).size;
    // A disclosure (salt, claim name, value) of Amal's credential: personal data.
    const disclosure = (
      JSON.parse(readFileSync(results, 'utf8').split('\n')[0]!) as {
        bundle: { credentials: string[] };
      }
    ).bundle.credentials[0]!.split('~')[1]!;
    expect(readFileSync(witness, 'utf8').includes(disclosure)).toBe(true);

    const run = await sanad(
      'issuer',
      'destroy-results',
      '--results',
      results,
      '--hand-out',
      join(work, 'handout'),
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('only disk encryption protects those');
    expect(() => statSync(results)).toThrow();
    expect(() => statSync(join(work, 'handout'))).toThrow(); // the folder held only bundles
    const left = readFileSync(witness);
    expect(left.length).toBe(size);
    expect(left.every((b) => b === 0)).toBe(true);

    // The journal stays (no personal data): the same command says so and issues nobody again.
    const journalText = readFileSync(journal, 'utf8');
    for (const personal of [disclosure, 'AMM-2026-044817', 'Amal'])
      expect(journalText.includes(personal)).toBe(false);
    const held = [...(await registerBatches(issuerDir)).values()].flat().length;
    const again = await sanad(
      'issuer',
      'issue-batch',
      '--dir',
      issuerDir,
      '--type',
      'refugee-status',
      '--input',
      join(work, 'people.jsonl'),
      '--out',
      results,
      '--json',
    );
    expect(JSON.parse(again.stdout)).toMatchObject({
      alreadyComplete: true,
      issuedNow: 0,
      resultsDestroyedAt: expect.any(String),
    });
    expect([...(await registerBatches(issuerDir)).values()].flat().length).toBe(held);
    expect(
      JSON.parse(
        (
          await sanad(
            'issuer',
            'hand-out',
            '--results',
            results,
            '--out',
            join(work, 'late'),
            '--json',
          )
        ).stdout,
      ).error.code,
    ).toBe('ERR_BATCH_DESTROYED');

    // --with-journal removes the journal too (after saying what that allows).
    const byCase = await sanad(
      'issuer',
      'destroy-results',
      '--results',
      results,
      '--hand-out',
      join(work, 'by-case'),
      '--with-journal',
      '--json',
    );
    expect(JSON.parse(byCase.stdout)).toMatchObject({ bundles: 2, journal: 'destroyed' });
    expect(() => statSync(journal)).toThrow();
    expect(() => statSync(join(work, 'by-case'))).toThrow();
  });
});
