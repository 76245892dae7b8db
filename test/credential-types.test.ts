/**
 * The credential types an agency writes as JSON (docs/credential-types.md): every example file is
 * a valid definition, and the documented walk-through issues one that a wallet imports and
 * presents claim by claim.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeDisclosure, parseSdJwt } from '@sanad/core';
import { type CredentialTypeDefinition, defineCredentialType } from '@sanad/issuer';
import { afterAll, describe, expect, it } from 'vitest';
import { runSanad } from './support/sanad-cli.js';
import { patient } from './support/patience.js';

const examples = join(import.meta.dirname, '..', 'examples', 'credential-types');
const work = mkdtempSync(join(tmpdir(), 'sanad-types-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('credential type files', () => {
  const definitions = readdirSync(examples).filter(
    (f) => f.endsWith('.json') && !f.endsWith('-claims.json'),
  );

  it.each(definitions)(
    'examples/credential-types/%s is a valid definition whose example claims match it',
    (file) => {
      const type = defineCredentialType(
        JSON.parse(readFileSync(join(examples, file), 'utf8')) as CredentialTypeDefinition,
      );
      const claims = JSON.parse(
        readFileSync(join(examples, file.replace(/\.json$/, '-claims.json')), 'utf8'),
      );
      expect(type.validateClaims(claims)).toEqual(claims);
    },
  );

  // Three wallet operations with the default key derivation.
  it('issues the documented vaccination record through the CLI, each claim and vaccination disclosable on its own', {
    timeout: patient(120_000),
  }, async () => {
    const at = (f: string) => join(work, f);
    const env = { SANAD_WALLET_PASSPHRASE: 'a long enough passphrase' };
    const ok = async (args: string[]) => {
      const run = await runSanad([...args, '--json'], env);
      if (run.code !== 0) throw new Error(`sanad ${args.join(' ')}: ${run.stdout}${run.stderr}`);
      return JSON.parse(run.stdout) as Record<string, unknown>;
    };
    await ok([
      'issuer',
      'init',
      '--dir',
      at('health-issuer'),
      '--status-base-url',
      'https://status.health.example/clinic-7',
      '--type-file',
      join(examples, 'vaccination.json'),
    ]);
    expect(
      (
        (await ok(['issuer', 'types', '--dir', at('health-issuer')])).types as Array<{ id: string }>
      ).map((t) => t.id),
    ).toEqual(['refugee-status', 'vaccination']);
    await ok(['wallet', 'init', '--wallet', at('phone.json')]);
    await ok([
      'wallet',
      'keys',
      '--wallet',
      at('phone.json'),
      '--count',
      '3',
      '--out',
      at('holder-keys.json'),
    ]);
    await ok([
      'issuer',
      'issue',
      '--dir',
      at('health-issuer'),
      '--type',
      'vaccination',
      '--claims',
      join(examples, 'vaccination-claims.json'),
      '--holder-keys',
      at('holder-keys.json'),
      '--out',
      at('bundle.json'),
    ]);
    expect(
      await ok(['wallet', 'import', at('bundle.json'), '--wallet', at('phone.json')]),
    ).toMatchObject({ copies: 3 });
    const credential = (
      JSON.parse(readFileSync(at('bundle.json'), 'utf8')) as { credentials: string[] }
    ).credentials[0]!;
    const disclosures = parseSdJwt(credential).disclosures.map(decodeDisclosure);
    expect(
      disclosures
        .filter((d) => d.name !== undefined)
        .map((d) => d.name)
        .sort(),
    ).toEqual(['birthdate', 'family_name', 'given_name', 'vaccinations']);
    // Each vaccination is an array-element disclosure of its own.
    expect(disclosures.filter((d) => d.name === undefined)).toHaveLength(2);
    // A claims file with a typo is refused, naming the field and not the value.
    writeFileSync(
      at('typo.json'),
      JSON.stringify({
        ...JSON.parse(readFileSync(join(examples, 'vaccination-claims.json'), 'utf8')),
        birth_date: '1994-03-12',
      }),
    );
    const bad = await runSanad([
      'issuer',
      'issue',
      '--dir',
      at('health-issuer'),
      '--type',
      'vaccination',
      '--claims',
      at('typo.json'),
      '--holder-keys',
      at('holder-keys.json'),
      '--out',
      at('x.json'),
      '--json',
    ]);
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout).error).toMatchObject({
      code: 'ERR_CLAIMS_SCHEMA_MISMATCH',
      message: expect.stringContaining('birth_date'),
    });
    expect(bad.stdout).not.toContain('1994-03-12');
  });
});
