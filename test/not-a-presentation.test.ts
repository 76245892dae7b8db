/**
 * Issue 14, why 5: at the clinic, a file that is not a presentation at all is the operator's
 * mistake — bad input (`ERR_NOT_A_PRESENTATION`, exit 2) — not a presentation that was checked
 * and failed (exit 1, which the verifier guide explains as altered or forged). A damaged
 * presentation is still checked and refused. The text result names the issuer by its
 * trust-list name.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyPair, signerFromJwk, signTrustList } from '@sanad/core';
import {
  createDirectoryStatusCache,
  createMemoryStatusCache,
  createPresentationRequest,
  createVerifier,
  importStatusList,
} from '@sanad/verifier';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amal, makeAgency, makeHolder, presentSdJwt, trustFor, VCT } from './support/fixtures.js';
import { runSanad } from './support/sanad-cli.js';

const root = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'sanad-not-a-presentation-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const NONCE = 'clinic-nonce-0123456789';
const AUDIENCE = 'https://clinic.example';
const cacheDir = join(work, 'status-cache');
const trustFile = join(work, 'trust.json');
let valid: string;
let trust: ReturnType<typeof trustFor>;
/** Things a receptionist can pick up by mistake, each with what the message must call it. */
const mistakes = new Map<string, { content: string | Buffer; says: RegExp }>();

beforeAll(async () => {
  const agency = await makeAgency();
  const holder = await makeHolder();
  const credential = (
    await agency.issuer.issue({ type: 'refugee-status', claims: amal, holders: [holder] })
  ).bundle.credentials[0]!;
  valid = await presentSdJwt(credential, holder.signer, ['age_over_18'], {
    nonce: NONCE,
    aud: AUDIENCE,
  });
  const lists = await agency.issuer.publishStatusLists();
  const cache = createDirectoryStatusCache(cacheDir);
  for (const list of lists) await importStatusList(cache, list.token);
  trust = trustFor({ did: agency.did });
  writeFileSync(trustFile, JSON.stringify(trust.document));
  const authority = await generateKeyPair('ES256');
  const request = await createPresentationRequest({
    clientId: AUDIENCE,
    purpose: { en: 'Adult check' },
    credentials: [{ format: 'dc+sd-jwt', types: [VCT], claims: [['age_over_18']] }],
  });

  mistakes.set('an empty file', { content: '', says: /empty/ });
  mistakes.set('a file of blank lines', { content: '\n  \n', says: /empty/ });
  mistakes.set('a PNG photo', {
    content: readFileSync(join(root, 'docs/screenshots/desk-valid.png')),
    says: /PNG image/,
  });
  mistakes.set('a binary file', {
    content: Buffer.from([0x00, 0x01, 0x02, 0x7f, 0x10, 0x00, 0x41]),
    says: /binary/,
  });
  mistakes.set('a trust list', {
    content: JSON.stringify(trust.document, null, 2),
    says: /trust list/,
  });
  mistakes.set('a signed trust list', {
    content: await signTrustList(trust.document, await signerFromJwk(authority.privateJwk)),
    says: /signed trust list/,
  });
  mistakes.set('a status list', { content: lists[0]!.token, says: /status list/ });
  mistakes.set('JSON without a vp_token', {
    content: '{"age_over_18": true}',
    says: /JSON without a vp_token/,
  });
  mistakes.set('a JSON array', { content: '[1, 2, 3]', says: /JSON without a vp_token/ });
  mistakes.set('the request instead of the answer', {
    content: JSON.stringify(request),
    says: /presentation request/,
  });
  mistakes.set('plain text', {
    content: 'Amal Haddad, case AMM-2026-044817. Please check.\n',
    says: /plain text/,
  });
  mistakes.set('a word', { content: 'hello', says: /plain text/ });
  mistakes.set('a request link', {
    content:
      'openid4vp://?client_id=decentralized_identifier%3Adid%3Ajwk%3Ax&request_uri=https%3A%2F%2Fclinic.example%2Frequests%2F1',
    says: /link/,
  });
});

const verifier = () =>
  createVerifier({
    trustList: trust,
    statusCache: createMemoryStatusCache(),
    offline: true,
    onStatusUnavailable: 'accept-with-warning',
  });

function sanadVerify(file: string, extra: string[] = []) {
  return runSanad([
    'verify',
    '--presentation',
    file,
    '--trust',
    trustFile,
    '--nonce',
    NONCE,
    '--audience',
    AUDIENCE,
    '--status-cache',
    cacheDir,
    '--offline',
    ...extra,
  ]);
}

describe('a file that is not a presentation is bad input, not a rejection (issue 14, why 5)', () => {
  it('the verifier library says ERR_NOT_A_PRESENTATION, naming what it was given, for every mistake', async () => {
    for (const [name, { content, says }] of mistakes) {
      const text = typeof content === 'string' ? content : content.toString('utf8');
      const result = await verifier().verify(text, { nonce: NONCE, audience: AUDIENCE });
      expect(result.verified, name).toBe(false);
      expect(
        result.errors.map((e) => e.code),
        name,
      ).toEqual(['ERR_NOT_A_PRESENTATION']);
      expect(result.errors[0]!.message, name).toMatch(/^This is not a presentation: /);
      expect(result.errors[0]!.message, name).toMatch(says);
    }
    // A vp_token response whose entry is not a presentation, as the verifier service passes it on.
    const empty = await verifier().verify(
      { vp_token: { credential: [''] } },
      { nonce: NONCE, audience: AUDIENCE },
    );
    expect(empty.errors.map((e) => e.code)).toEqual(['ERR_NOT_A_PRESENTATION']);
  });

  it('`sanad verify` exits 2 with "This is not a presentation: …" and one JSON error object, never REJECTED', async () => {
    for (const [name, { content, says }] of mistakes) {
      const file = join(work, 'given.bin');
      writeFileSync(file, content);
      const run = await sanadVerify(file);
      expect(run.code, name).toBe(2);
      expect(run.stdout, name).not.toContain('REJECTED');
      expect(run.stderr.trim(), name).toMatch(
        /^sanad: This is not a presentation: .+ \(ERR_NOT_A_PRESENTATION\)$/,
      );
      expect(run.stderr, name).toMatch(says);
      const json = await sanadVerify(file, ['--json']);
      expect(json.code, name).toBe(2);
      expect(JSON.parse(json.stdout), name).toEqual({
        error: {
          code: 'ERR_NOT_A_PRESENTATION',
          message: expect.stringMatching(/^This is not a presentation: /),
        },
      });
    }
  });

  it('`sanad verify --presentation -` with empty standard input exits 2 (a real process)', () => {
    const run = spawnSync(
      process.execPath,
      [
        '--conditions=@sanad/source',
        '--import',
        import.meta.resolve('tsx'),
        join(root, 'packages/cli/src/bin.ts'),
        'verify',
        '--presentation',
        '-',
        '--trust',
        trustFile,
        '--nonce',
        NONCE,
        '--audience',
        AUDIENCE,
      ],
      { encoding: 'utf8', input: '' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      'sanad: This is not a presentation: it is empty. (ERR_NOT_A_PRESENTATION)',
    );
  });

  it('a damaged presentation is still checked and refused (exit 1): one changed character, a truncated SD-JWT, a cut JSON response', async () => {
    const file = join(work, 'damaged.txt');
    const [issuerJwt] = valid.split('~') as [string];
    const flipAt = issuerJwt.length - 10;
    const changed = `${valid.slice(0, flipAt)}${valid[flipAt] === 'A' ? 'B' : 'A'}${valid.slice(flipAt + 1)}`;
    const damaged: Array<[string, string, string]> = [
      ['one changed character in the issuer signature', changed, 'ERR_SIGNATURE_INVALID'],
      [
        'the key binding cut off',
        valid.slice(0, valid.lastIndexOf('~') + 1),
        'ERR_HOLDER_BINDING_MISSING',
      ],
      [
        'cut in the middle of the key binding',
        valid.slice(0, valid.length - 30),
        'ERR_HOLDER_BINDING_INVALID',
      ],
      [
        'cut inside the issuer JWT',
        valid.slice(0, Math.floor(issuerJwt.length / 2)),
        'ERR_JWT_MALFORMED',
      ],
      [
        'a vp_token response cut short',
        JSON.stringify({ vp_token: { credential: [valid] } }).slice(0, 200),
        'ERR_INVALID_JSON',
      ],
    ];
    expect((await sanadVerify((writeFileSync(file, valid), file))).code).toBe(0);
    for (const [name, text, code] of damaged) {
      const result = await verifier().verify(text, { nonce: NONCE, audience: AUDIENCE });
      expect(
        result.errors.map((e) => e.code),
        name,
      ).toContain(code);
      writeFileSync(file, text);
      const run = await sanadVerify(file, ['--json']);
      expect(run.code, name).toBe(1);
      expect(
        JSON.parse(run.stdout).errors.map((e: { code: string }) => e.code),
        name,
      ).toContain(code);
    }
  });
});

describe('the text result names the issuer by its trust-list name (issue 14, why 5)', () => {
  it('prints "issuer: <trust-list name> (<DID>)"; --json keeps issuer and issuerName', async () => {
    const file = join(work, 'valid.txt');
    writeFileSync(file, valid);
    const did = JSON.parse(readFileSync(trustFile, 'utf8')).issuers[0].id as string;
    const text = await sanadVerify(file);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`  issuer: Test agency (${did})\n`);
    const json = await sanadVerify(file, ['--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      verified: true,
      issuer: did,
      issuerName: 'Test agency',
    });
  });
});
