/**
 * Hostile trust lists against `loadTrustList` and `sanad verify --trust … --pinned-key …`:
 * each must be refused with its typed error before any presentation is looked at.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  didKeyFromJwk,
  generateKeyPair,
  loadTrustList,
  type SanadErrorCode,
  type Signer,
  signerFromJwk,
  signJwt,
  signTrustList,
  toBase64url,
  type TrustListDocument,
} from '@sanad/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSanad } from '../support/sanad-cli.js';
import { AUDIENCE, NONCE, reissue } from './presentation-corpus.js';
import { cpuMillisOf } from '../support/patience.js';

interface TrustListCase {
  id: string;
  source: string;
  expected: SanadErrorCode;
  /** What `sanad verify` says, when the CLI refuses the file before the loader sees it. */
  cliExpected?: SanadErrorCode;
  /** The trust list text, given the authority's signer and a valid document. */
  build: (authority: Signer, doc: TrustListDocument) => Promise<string>;
}

const b64json = (v: unknown): string => toBase64url(JSON.stringify(v));
/** A JWS over payload text exactly as given (JSON a serializer would not produce). */
async function signText(signer: Signer, payloadText: string): Promise<string> {
  const input = `${b64json({ alg: signer.alg, typ: 'sanad-trust-list+jwt' })}.${toBase64url(payloadText)}`;
  return `${input}.${toBase64url(await signer.sign(new TextEncoder().encode(input)))}`;
}

const future = new Date(Date.now() + 86_400_000).toISOString();

const cases: TrustListCase[] = [
  {
    id: 'trust/unsigned-where-signature-required',
    source:
      'Sanad trust-list format (docs/trust-list-format.md): with a pinned authority key, a plain JSON list is refused',
    expected: 'ERR_TRUST_LIST_SIGNATURE_INVALID',
    build: async (_a, doc) => JSON.stringify(doc),
  },
  {
    id: 'trust/signed-by-unpinned-key',
    source: 'RFC 7515 section 5.2: the signature must verify with the pinned key, not any key',
    expected: 'ERR_TRUST_LIST_SIGNATURE_INVALID',
    build: async (_a, doc) =>
      signTrustList(doc, await signerFromJwk((await generateKeyPair('ES256')).privateJwk)),
  },
  {
    id: 'trust/expired',
    source: 'Sanad trust-list format: expires_at in the past',
    expected: 'ERR_TRUST_LIST_EXPIRED',
    build: (a, doc) =>
      signTrustList({ ...doc, expires_at: new Date(Date.now() - 60_000).toISOString() }, a),
  },
  {
    id: 'trust/payload-swapped-under-valid-signature',
    source: 'RFC 7515 section 5.2: an attacker adds an issuer and keeps the old signature',
    expected: 'ERR_TRUST_LIST_SIGNATURE_INVALID',
    build: async (a, doc) => {
      const [h, , s] = (await signTrustList(doc, a)).split('.');
      return `${h}.${b64json({ ...doc, issuers: [...doc.issuers, { id: 'did:web:attacker.example', name: 'Attacker', credential_types: ['RefugeeStatusCredential'] }] })}.${s}`;
    },
  },
  {
    id: 'trust/alg-none',
    source: 'RFC 8725 section 3.1 (alg "none")',
    expected: 'ERR_TRUST_LIST_INVALID',
    build: async (_a, doc) =>
      `${b64json({ alg: 'none', typ: 'sanad-trust-list+jwt' })}.${b64json(doc)}.`,
  },
  {
    id: 'trust/hs256-keyed-with-the-pinned-public-key',
    source: 'RFC 8725 section 2.1 (algorithm confusion)',
    expected: 'ERR_JWT_ALG_NOT_ALLOWED',
    build: async (a, doc) => {
      const { createHmac } = await import('node:crypto');
      const input = `${b64json({ alg: 'HS256', typ: 'sanad-trust-list+jwt' })}.${b64json(doc)}`;
      return `${input}.${createHmac('sha256', JSON.stringify(a.publicJwk)).update(input).digest('base64url')}`;
    },
  },
  {
    id: 'trust/wrong-typ',
    source:
      'RFC 8725 section 3.11 (explicit typing): a credential JWT must not pass as a trust list',
    expected: 'ERR_TRUST_LIST_INVALID',
    build: async (a, doc) =>
      reissue(
        await signTrustList(doc, a),
        {
          header: (h) => {
            h.typ = 'dc+sd-jwt';
          },
        },
        a,
      ),
  },
  {
    id: 'trust/duplicate-member-names',
    source: 'RFC 7515 section 5.2 step 4 / RFC 8259 section 4: duplicate member names are refused',
    expected: 'ERR_TRUST_LIST_INVALID',
    build: (a, doc) => signText(a, JSON.stringify(doc).replace(/^\{/, '{"issuers":[],')),
  },
  {
    id: 'trust/issuer-listed-twice',
    source: 'Sanad trust-list format: issuer ids are unique (which entry would apply?)',
    expected: 'ERR_TRUST_LIST_INVALID',
    build: (a, doc) =>
      signJwt(
        a,
        { typ: 'sanad-trust-list+jwt' },
        { ...doc, issuers: [...doc.issuers, ...doc.issuers] },
      ),
  },
  {
    id: 'trust/oversized',
    source: 'CWE-400: lists over 8 MiB are refused unread',
    expected: 'ERR_TRUST_LIST_INVALID',
    // The CLI stops reading any input at 8 MiB.
    cliExpected: 'ERR_INPUT_TOO_LARGE',
    build: async (_a, doc) => JSON.stringify({ ...doc, padding: 'x'.repeat(9 * 1024 * 1024) }),
  },
  {
    id: 'trust/deeply-nested',
    source:
      'CWE-674 (uncontrolled recursion): 100,000 nested arrays are refused without a stack overflow',
    expected: 'ERR_TRUST_LIST_INVALID',
    build: (a) =>
      signText(
        a,
        `{"type":"sanad-trust-list","version":1,"issuers":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
      ),
  },
];

const work = mkdtempSync(join(tmpdir(), 'sanad-trust-corpus-'));
let authority: Signer;
let authorityDid: string;
const built = new Map<string, string>();

beforeAll(async () => {
  const keys = await generateKeyPair('ES256');
  authority = await signerFromJwk(keys.privateJwk);
  authorityDid = didKeyFromJwk(keys.publicJwk);
  const doc: TrustListDocument = {
    type: 'sanad-trust-list',
    version: 1,
    issued_at: new Date().toISOString(),
    expires_at: future,
    issuers: [
      {
        id: 'did:web:agency.example',
        name: 'Agency',
        credential_types: ['RefugeeStatusCredential'],
      },
    ],
  };
  for (const c of cases) built.set(c.id, await c.build(authority, doc));
  writeFileSync(join(work, 'presentation.txt'), 'unused.presentation.text');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('adversarial trust lists', () => {
  it('the corpus starts from a list that loads', async () => {
    const doc: TrustListDocument = {
      type: 'sanad-trust-list',
      version: 1,
      issuers: [
        {
          id: 'did:web:agency.example',
          name: 'Agency',
          credential_types: ['RefugeeStatusCredential'],
        },
      ],
    };
    expect(
      (await loadTrustList(await signTrustList(doc, authority), { pinnedKey: authorityDid }))
        .signed,
    ).toBe(true);
  });

  for (const c of cases) {
    it(`${c.id} -> ${c.expected}  [${c.source}]`, async () => {
      const text = built.get(c.id)!;
      const cpu = await cpuMillisOf(() =>
        expect(loadTrustList(text, { pinnedKey: authorityDid })).rejects.toMatchObject({
          code: c.expected,
        }),
      );
      expect(cpu).toBeLessThan(2000);
      const file = join(work, `${c.id.replace('/', '-')}.trust`);
      writeFileSync(file, text);
      const cli = await runSanad([
        'verify',
        '--presentation',
        join(work, 'presentation.txt'),
        '--trust',
        file,
        '--pinned-key',
        authorityDid,
        '--nonce',
        NONCE,
        '--audience',
        AUDIENCE,
        '--json',
      ]);
      expect(cli.code).not.toBe(0);
      expect(JSON.parse(cli.stdout).error.code).toBe(c.cliExpected ?? c.expected);
    });
  }
});
