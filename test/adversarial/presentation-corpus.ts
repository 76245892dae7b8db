/**
 * Hostile presentations, each a concrete input with the one error code it must produce.
 * Built from a real issuer, a real holder and a real signed status list; every case names
 * the rule it tests (RFC, draft section or advisory) in `source`.
 */
import { createHmac } from 'node:crypto';
import { createVerifiablePresentationJwt } from 'did-jwt-vc';
import {
  decodeJwt,
  formatOf,
  type JWK,
  publicJwkOf,
  type SanadErrorCode,
  sdHash,
  sha256,
  type Signer,
  signJwt,
  toBase64url,
  utf8,
} from '@sanad/core';
import { base64urlSigner } from '@sanad/issuer';
import { type Agency, amal, type Holder, makeAgency, makeHolder } from '../support/fixtures.js';

export const NONCE = 'adversarial-nonce-0123456789';
export const AUDIENCE = 'https://clinic.example';
const P256_ORDER = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

export interface Corpus {
  agency: Agency;
  holder: Holder;
  /** Issued SD-JWT VC with every disclosure, no KB-JWT. */
  credential: string;
  /** A presentation that verifies: all disclosures and a KB-JWT for NONCE/AUDIENCE. */
  valid: string;
  /** Signed status list JWTs to put in the verifier's cache. */
  statusLists: string[];
  vcJwt: string;
  edHolder: Holder;
  /** A second issuer the verifier also trusts. */
  otherIssuer: Agency;
  /** A W3C (ldp_vc, ecdsa-sd-2023) base credential, and a valid VP deriving `age_over_18` from it. */
  ldpVc: string;
  ldpVp: string;
  /** The same derivation from a second credential, for swapping proof values. */
  ldpVpOther: string;
  /** Seconds since the epoch when the corpus was built; edge cases are verified at this moment. */
  builtAt: number;
}

export interface PresentationCase {
  id: string;
  source: string;
  /** The presentation (or a function of the corpus building it). */
  build: (c: Corpus) => Promise<string>;
  expected: SanadErrorCode;
  /** Verify at the moment the corpus was built plus this many seconds (validity edges), not at test time. */
  atOffsetSeconds?: number;
}

const b64json = (v: unknown): string => toBase64url(JSON.stringify(v));
const now = (): number => Math.floor(Date.now() / 1000);

export const disclosure = (...parts: unknown[]): string => toBase64url(JSON.stringify(parts));
export const digestOf = (d: string): string => toBase64url(sha256(d));

/** Splits an SD-JWT into issuer JWT, disclosures and KB-JWT. */
export function split(sdJwt: string): { jwt: string; disclosures: string[]; kb: string } {
  const parts = sdJwt.split('~');
  return { jwt: parts[0]!, disclosures: parts.slice(1, -1), kb: parts[parts.length - 1]! };
}

/** Re-signs the issuer JWT after changing its header or payload (an issuer bug, or a stolen key). */
export async function reissue(
  jwt: string,
  change: {
    header?: (h: Record<string, unknown>) => void;
    payload?: (p: Record<string, unknown>) => void;
  },
  signer: Signer,
): Promise<string> {
  const { header, payload } = decodeJwt(jwt);
  change.header?.(header);
  change.payload?.(payload);
  return signJwt(signer, header, payload);
}

/** Appends a KB-JWT over `base` (an SD-JWT ending in `~`). */
export async function withKb(
  base: string,
  signer: Signer,
  override: Record<string, unknown> = {},
  header: Record<string, unknown> = { typ: 'kb+jwt' },
): Promise<string> {
  return `${base}${await signJwt(signer, header, { nonce: NONCE, aud: AUDIENCE, iat: now(), sd_hash: sdHash(base), ...override })}`;
}

const assemble = (jwt: string, disclosures: string[]): string =>
  `${jwt}~${disclosures.map((d) => `${d}~`).join('')}`;

/** The issuer payload with `extra` disclosures' digests added to the top-level `_sd`. */
export async function issueWith(
  c: Pick<Corpus, 'credential' | 'agency' | 'holder'>,
  extra: string[],
  change: (p: Record<string, unknown>) => void = () => undefined,
): Promise<string> {
  const { jwt, disclosures } = split(c.credential);
  const signed = await reissue(
    jwt,
    {
      payload: (p) => {
        p._sd = [...(p._sd as string[]), ...extra.map(digestOf)];
        change(p);
      },
    },
    c.agency.signer,
  );
  return withKb(assemble(signed, [...disclosures, ...extra]), c.holder.signer);
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Sets an unused low bit of the last character: every decoder reads the same bytes, the string differs. */
export const flipUnusedBits = (text: string): string =>
  `${text.slice(0, -1)}${ALPHABET[ALPHABET.indexOf(text.at(-1)!) ^ 1]}`;

/** Signs `payload` with `claim` first, written as raw JSON (1e309 cannot come out of JSON.stringify). */
async function signWithRawClaim(
  signer: Signer,
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  claim: string,
  raw: string,
): Promise<string> {
  const { [claim]: _replaced, ...rest } = payload;
  const input = `${b64json({ ...header, alg: signer.alg })}.${toBase64url(`{"${claim}":${raw},${JSON.stringify(rest).slice(1)}`)}`;
  return `${input}.${toBase64url(await signer.sign(utf8(input)))}`;
}

/** The corpus credential re-signed by its issuer with one date claim written as `raw`. */
async function issuedWithDate(c: Corpus, claim: string, raw: string): Promise<string> {
  const { jwt, disclosures } = split(c.valid);
  const { header, payload } = decodeJwt(jwt);
  return withKb(
    assemble(await signWithRawClaim(c.agency.signer, header, payload, claim, raw), disclosures),
    c.holder.signer,
  );
}

/** Flips the low bit of the last signature byte. */
const flipSignature = (jwt: string): string => {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const bytes = Buffer.from(s, 'base64url');
  bytes[bytes.length - 1]! ^= 1;
  return `${h}.${p}.${bytes.toString('base64url')}`;
};

/** The other valid ECDSA signature of the same message: (r, n - s). */
export function highSTwin(jwt: string): string {
  const [h, p, s] = jwt.split('.') as [string, string, string];
  const sig = Buffer.from(s, 'base64url');
  const r = sig.subarray(0, 32);
  const sValue = BigInt(`0x${sig.subarray(32).toString('hex')}`);
  const twin = Buffer.from((P256_ORDER - sValue).toString(16).padStart(64, '0'), 'hex');
  return `${h}.${p}.${Buffer.concat([r, twin]).toString('base64url')}`;
}

/** A VP-JWT carrying `vc`, signed by `holder` for NONCE/AUDIENCE (did-jwt-vc, as other wallets make them). */
export function vpJwt(vc: string, holder: Holder): Promise<string> {
  const alg = holder.signer.alg;
  return createVerifiablePresentationJwt(
    {
      vp: {
        '@context': ['https://www.w3.org/2018/credentials/v1'],
        type: ['VerifiablePresentation'],
        verifiableCredential: [vc],
      },
      nonce: NONCE,
      aud: AUDIENCE,
    } as never,
    { did: holder.did, signer: base64urlSigner(holder.signer), alg },
    { header: { kid: holder.kid, alg } },
  );
}

export async function buildCorpus(statusBaseUrl: string): Promise<Corpus> {
  const agency = await makeAgency(statusBaseUrl);
  const holder = await makeHolder();
  const edHolder = await makeHolder('EdDSA');
  const { bundle } = await agency.issuer.issue({
    type: 'refugee-status',
    claims: amal,
    holders: [holder],
  });
  const credential = bundle.credentials[0]!;
  const vcJwt = (
    await agency.issuer.issue({
      type: 'refugee-status',
      format: 'jwt_vc_json',
      claims: amal,
      holders: [edHolder],
    })
  ).bundle.credentials[0]!;
  const ldp = async () =>
    (
      await agency.issuer.issue({
        type: 'refugee-status',
        format: 'ldp_vc',
        claims: amal,
        holders: [holder],
      })
    ).bundle.credentials[0]!;
  const ldpVc = await ldp();
  const ldpPresent = (raw: string) =>
    formatOf('ldp_vc').present({
      raw,
      holderDid: holder.did,
      signer: { ...holder.signer, kid: holder.kid },
      shared: [['age_over_18']],
      nonce: NONCE,
      audience: AUDIENCE,
      now: now(),
    });
  const statusLists = (await agency.issuer.publishStatusLists()).map((l) => l.token);
  const builtAt = now();
  return {
    agency,
    holder,
    edHolder,
    credential,
    vcJwt,
    statusLists,
    otherIssuer: await makeAgency(statusBaseUrl),
    builtAt,
    valid: await withKb(credential, holder.signer),
    ldpVc,
    ldpVp: await ldpPresent(ldpVc),
    ldpVpOther: await ldpPresent(await ldp()),
  };
}

/** The corpus's valid ldp_vp with `change` applied to a copy (of the VP, or its one credential). */
function ldpVpWith(
  c: Corpus,
  // biome-ignore lint/suspicious/noExplicitAny: the cases edit any member of the documents
  change: (vp: Record<string, any>, credential: Record<string, any>) => unknown,
): string {
  const vp = JSON.parse(c.ldpVp);
  const changed = change(vp, vp.verifiableCredential[0]) ?? vp;
  return typeof changed === 'string' ? changed : JSON.stringify(changed);
}

const attacker = (async () => (await makeHolder()).signer)();

export const presentationCases: PresentationCase[] = [
  // --- JOSE on the issuer-signed JWT ---------------------------------------------------------
  {
    id: 'jose/alg-none',
    source: 'RFC 8725 section 3.1 (alg "none" with the empty signature of RFC 7518 section 3.6)',
    expected: 'ERR_SDJWT_MALFORMED',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      const { payload } = decodeJwt(jwt);
      return withKb(
        assemble(`${b64json({ alg: 'none', typ: 'dc+sd-jwt' })}.${b64json(payload)}.`, disclosures),
        c.holder.signer,
      );
    },
  },
  {
    id: 'jose/alg-none-with-signature',
    source: 'RFC 8725 section 3.1: "none" must not be accepted even with a signature part',
    expected: 'ERR_JWT_ALG_NOT_ALLOWED',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      const [, p, s] = jwt.split('.');
      return withKb(
        assemble(`${b64json({ alg: 'none', typ: 'dc+sd-jwt' })}.${p}.${s}`, disclosures),
        c.holder.signer,
      );
    },
  },
  {
    id: 'jose/hs256-keyed-with-public-key',
    source: 'RFC 8725 section 2.1 (algorithm confusion: HMAC keyed with the public key)',
    expected: 'ERR_JWT_ALG_NOT_ALLOWED',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      const { payload, header } = decodeJwt(jwt);
      const input = `${b64json({ ...header, alg: 'HS256' })}.${b64json(payload)}`;
      const mac = createHmac('sha256', JSON.stringify(c.agency.publicJwk))
        .update(input)
        .digest('base64url');
      return withKb(assemble(`${input}.${mac}`, disclosures), c.holder.signer);
    },
  },
  {
    id: 'jose/alg-ES384-label',
    source: 'RFC 8725 section 3.1: accept only the algorithms the key is for',
    expected: 'ERR_JWT_ALG_NOT_ALLOWED',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      const [h, p, s] = jwt.split('.') as [string, string, string];
      return withKb(
        assemble(
          `${b64json({ ...JSON.parse(Buffer.from(h, 'base64url').toString()), alg: 'ES384' })}.${p}.${s}`,
          disclosures,
        ),
        c.holder.signer,
      );
    },
  },
  {
    id: 'jose/jwk-header-injection',
    source: 'RFC 8725 section 3.10; CVE-2018-0114 class (key taken from the "jwk" header)',
    expected: 'ERR_SIGNATURE_INVALID',
    build: async (c) => {
      const evil = await attacker;
      const { jwt, disclosures } = split(c.valid);
      return withKb(
        assemble(
          await reissue(
            jwt,
            {
              header: (h) => {
                h.jwk = evil.publicJwk;
              },
            },
            evil,
          ),
          disclosures,
        ),
        c.holder.signer,
      );
    },
  },
  {
    id: 'jose/jku-header-injection',
    source: 'RFC 8725 section 3.10 (jku pointing at attacker keys)',
    expected: 'ERR_SIGNATURE_INVALID',
    build: async (c) => {
      const evil = await attacker;
      const { jwt, disclosures } = split(c.valid);
      return withKb(
        assemble(
          await reissue(
            jwt,
            {
              header: (h) => {
                h.jku = 'https://attacker.example/jwks.json';
              },
            },
            evil,
          ),
          disclosures,
        ),
        c.holder.signer,
      );
    },
  },
  {
    id: 'jose/x5u-header-injection',
    source: 'RFC 7515 section 4.1.5; RFC 8725 section 3.10',
    expected: 'ERR_SIGNATURE_INVALID',
    build: async (c) => {
      const evil = await attacker;
      const { jwt, disclosures } = split(c.valid);
      return withKb(
        assemble(
          await reissue(
            jwt,
            {
              header: (h) => {
                h.x5u = 'https://attacker.example/cert.pem';
              },
            },
            evil,
          ),
          disclosures,
        ),
        c.holder.signer,
      );
    },
  },
  {
    id: 'jose/unknown-crit',
    source: 'RFC 7515 section 4.1.11: unknown critical extensions must be rejected',
    expected: 'ERR_SDJWT_MALFORMED',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      return withKb(
        assemble(
          await reissue(
            jwt,
            {
              header: (h) => {
                h.crit = ['exp-policy'];
                h['exp-policy'] = 'lenient';
              },
            },
            c.agency.signer,
          ),
          disclosures,
        ),
        c.holder.signer,
      );
    },
  },
  {
    id: 'jose/b64-false',
    source: 'RFC 7797 (unencoded payload) changes what the signature covers',
    expected: 'ERR_SDJWT_MALFORMED',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      return withKb(
        assemble(
          await reissue(
            jwt,
            {
              header: (h) => {
                h.b64 = false;
                h.crit = ['b64'];
              },
            },
            c.agency.signer,
          ),
          disclosures,
        ),
        c.holder.signer,
      );
    },
  },
  {
    id: 'jose/duplicate-member-names',
    source: 'RFC 8725 section 3.3 / RFC 7493 (I-JSON): duplicate "iss" read differently by parsers',
    expected: 'ERR_SDJWT_MALFORMED',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      const { header, payload } = decodeJwt(jwt);
      const body = JSON.stringify(payload).replace(/^\{/, '{"iss":"did:web:attacker.example",');
      const input = `${b64json(header)}.${toBase64url(body)}`;
      const signature = toBase64url(await c.agency.signer.sign(utf8(input)));
      return withKb(assemble(`${input}.${signature}`, disclosures), c.holder.signer);
    },
  },
  {
    id: 'jose/invalid-base64url',
    source: 'RFC 7515 section 2 (base64url without padding or "+/")',
    expected: 'ERR_SDJWT_MALFORMED',
    build: async (c) =>
      c.valid.replace(/^([^.]+)\./, (_, h: string) => `${h.slice(0, 4)}+/${h.slice(6)}=.`),
  },
  {
    id: 'jose/oversized-token',
    source: 'RFC 8725 section 3.12 (bound the input); Sanad MAX_SD_JWT_LENGTH',
    expected: 'ERR_SDJWT_MALFORMED',
    build: async (c) =>
      `${c.valid.split('~')[0]}~${disclosure('A'.repeat(22), 'padding', 'x'.repeat(1_100_000))}~`,
  },
  {
    id: 'jose/wrong-key-signature',
    source: "RFC 7515 section 5.2 (signature made by a key other than the issuer's)",
    expected: 'ERR_SIGNATURE_INVALID',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      return withKb(assemble(await reissue(jwt, {}, await attacker), disclosures), c.holder.signer);
    },
  },
  {
    id: 'jose/flipped-signature-bit',
    source: 'RFC 7515 section 5.2',
    expected: 'ERR_SIGNATURE_INVALID',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      return withKb(assemble(flipSignature(jwt), disclosures), c.holder.signer);
    },
  },
  {
    id: 'jose/truncated-signature',
    source: 'RFC 7518 section 3.4 (ES256 signatures are exactly 64 bytes)',
    expected: 'ERR_SIGNATURE_INVALID',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      // 86 characters to 80: canonical base64url of 60 bytes (cut elsewhere, stray bits are refused first).
      return withKb(assemble(jwt.slice(0, -6), disclosures), c.holder.signer);
    },
  },
  {
    id: 'jose/der-encoded-signature',
    source: 'RFC 7518 section 3.4: JWS ECDSA is r||s, not ASN.1 DER',
    expected: 'ERR_SIGNATURE_INVALID',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      const [h, p, s] = jwt.split('.') as [string, string, string];
      const sig = Buffer.from(s, 'base64url');
      const int = (b: Buffer) => (b[0]! & 0x80 ? Buffer.concat([Buffer.from([0]), b]) : b);
      const r = int(sig.subarray(0, 32));
      const sv = int(sig.subarray(32));
      const der = Buffer.concat([
        Buffer.from([0x30, r.length + sv.length + 4, 0x02, r.length]),
        r,
        Buffer.from([0x02, sv.length]),
        sv,
      ]);
      return withKb(
        assemble(`${h}.${p}.${der.toString('base64url')}`, disclosures),
        c.holder.signer,
      );
    },
  },
  {
    id: 'jose/cnf-point-not-on-curve',
    source: 'SEC 1 section 3.2.2.1; invalid-curve attacks (CVE-2017-16007 class)',
    expected: 'ERR_HOLDER_BINDING_INVALID',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      const bad = { ...(c.holder.jwk as JWK), y: toBase64url(new Uint8Array(32).fill(7)) };
      return withKb(
        assemble(
          await reissue(
            jwt,
            {
              payload: (p) => {
                p.cnf = { jwk: bad };
              },
            },
            c.agency.signer,
          ),
          disclosures,
        ),
        c.holder.signer,
      );
    },
  },

  // --- SD-JWT (RFC 9901 section 7) -------------------------------------------------------------
  {
    id: 'sd-jwt/unreferenced-disclosure',
    source: 'RFC 9901 section 7.1 step 5 (every disclosure must be referenced)',
    expected: 'ERR_SDJWT_DISCLOSURE_UNREFERENCED',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      return withKb(
        assemble(jwt, [...disclosures, disclosure('c2FsdHNhbHRzYWx0c2FsdA', 'role', 'admin')]),
        c.holder.signer,
      );
    },
  },
  {
    id: 'sd-jwt/tampered-disclosure-value',
    source: 'RFC 9901 section 7.1; CVE-2026-62374 (a changed disclosure silently dropped)',
    expected: 'ERR_SDJWT_DISCLOSURE_UNREFERENCED',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      const changed = disclosures.map((d) => {
        const [salt, name, value] = JSON.parse(Buffer.from(d, 'base64url').toString()) as [
          string,
          string,
          unknown,
        ];
        return name === 'age_over_18' ? disclosure(salt, name, !value) : d;
      });
      return withKb(assemble(jwt, changed), c.holder.signer);
    },
  },
  {
    id: 'sd-jwt/duplicate-disclosure',
    source: 'RFC 9901 section 7.1 step 4 (a digest may be referenced only once)',
    expected: 'ERR_SDJWT_DIGEST_DUPLICATE',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      return withKb(assemble(jwt, [...disclosures, disclosures[0]!]), c.holder.signer);
    },
  },
  {
    id: 'sd-jwt/duplicate-digest-in-payload',
    source: 'RFC 9901 section 7.1 step 4',
    expected: 'ERR_SDJWT_DIGEST_DUPLICATE',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      const signed = await reissue(
        jwt,
        {
          payload: (p) => {
            const sd = p._sd as string[];
            p._sd = [...sd, sd[0]!];
          },
        },
        c.agency.signer,
      );
      return withKb(assemble(signed, disclosures), c.holder.signer);
    },
  },
  {
    id: 'sd-jwt/disclosure-named-_sd',
    source: 'RFC 9901 section 7.1 step 3.c.ii.3 (the claim name must not be "_sd")',
    expected: 'ERR_SDJWT_CLAIM_NAME_FORBIDDEN',
    build: async (c) => issueWith(c, [disclosure('c2FsdHNhbHRzYWx0c2FsdA', '_sd', ['x'])]),
  },
  {
    id: 'sd-jwt/disclosure-named-ellipsis',
    source: 'RFC 9901 section 7.1 step 3.c.ii.3 (nor "...")',
    expected: 'ERR_SDJWT_CLAIM_NAME_FORBIDDEN',
    build: async (c) => issueWith(c, [disclosure('c2FsdHNhbHRzYWx0c2FsdA', '...', 'x')]),
  },
  {
    id: 'sd-jwt/disclosure-overwrites-plain-claim',
    source: 'RFC 9901 section 7.1 step 3.c.ii.4 (claim name already present)',
    expected: 'ERR_SDJWT_CLAIM_COLLISION',
    build: async (c) =>
      issueWith(c, [disclosure('c2FsdHNhbHRzYWx0c2FsdA', 'vct', 'https://attacker.example/other')]),
  },
  {
    id: 'sd-jwt/disclosure-overwrites-iss',
    source:
      'RFC 9901 section 7.1 step 3.c.ii.4; draft-ietf-oauth-sd-jwt-vc section 3.2.2 (iss not disclosable)',
    expected: 'ERR_SDJWT_CLAIM_COLLISION',
    build: async (c) =>
      issueWith(c, [disclosure('c2FsdHNhbHRzYWx0c2FsdA', 'iss', 'did:web:attacker.example')]),
  },
  {
    id: 'sd-jwt/array-element-disclosure-in-object',
    source: 'RFC 9901 section 7.1 step 3.c.ii.2 (two-element disclosure referenced from _sd)',
    expected: 'ERR_SDJWT_DISCLOSURE_KIND_MISMATCH',
    build: async (c) => issueWith(c, [disclosure('c2FsdHNhbHRzYWx0c2FsdA', 'SYR')]),
  },
  {
    id: 'sd-jwt/object-disclosure-in-array',
    source:
      'RFC 9901 section 7.1 step 3.c.iii (three-element disclosure referenced as an array element)',
    expected: 'ERR_SDJWT_DISCLOSURE_KIND_MISMATCH',
    build: async (c) => {
      const d = disclosure('c2FsdHNhbHRzYWx0c2FsdA', 'nationality', 'SYR');
      const { jwt, disclosures } = split(c.valid);
      const signed = await reissue(
        jwt,
        {
          payload: (p) => {
            p.nationalities = [{ '...': digestOf(d) }];
          },
        },
        c.agency.signer,
      );
      return withKb(assemble(signed, [...disclosures, d]), c.holder.signer);
    },
  },
  {
    id: 'sd-jwt/malformed-disclosure-shape',
    source: 'RFC 9901 section 4.2.1 (a disclosure is an array of 2 or 3 elements)',
    expected: 'ERR_SDJWT_DISCLOSURE_MALFORMED',
    build: async (c) => issueWith(c, [disclosure('c2FsdHNhbHRzYWx0c2FsdA', 'a', 'b', 'c')]),
  },
  {
    id: 'sd-jwt/disclosure-salt-not-string',
    source: 'RFC 9901 section 4.2.1 (the salt is a string)',
    expected: 'ERR_SDJWT_DISCLOSURE_MALFORMED',
    build: async (c) => issueWith(c, [disclosure(12345, 'role', 'admin')]),
  },
  {
    id: 'sd-jwt/disclosure-not-json',
    source: 'RFC 9901 section 4.2.1',
    expected: 'ERR_SDJWT_DISCLOSURE_MALFORMED',
    build: async (c) => issueWith(c, [toBase64url('["salt","role",')]),
  },
  {
    id: 'sd-jwt/disclosure-duplicate-json-members',
    source: 'RFC 7493 (I-JSON) applied to disclosure values: {"a":1,"a":2}',
    expected: 'ERR_SDJWT_DISCLOSURE_MALFORMED',
    build: async (c) =>
      issueWith(c, [
        toBase64url('["c2FsdHNhbHRzYWx0c2FsdA","address",{"locality":"Amman","locality":"Zarqa"}]'),
      ]),
  },
  {
    id: 'sd-jwt/unsupported-sd-alg',
    source: 'RFC 9901 section 7.1 step 3 (_sd_alg must be supported; sha-1 is not)',
    expected: 'ERR_SDJWT_HASH_ALG_UNSUPPORTED',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      return withKb(
        assemble(
          await reissue(
            jwt,
            {
              payload: (p) => {
                p._sd_alg = 'sha-1';
              },
            },
            c.agency.signer,
          ),
          disclosures,
        ),
        c.holder.signer,
      );
    },
  },
  {
    id: 'sd-jwt/wrong-typ',
    source: 'draft-ietf-oauth-sd-jwt-vc section 3.2.1 (typ dc+sd-jwt)',
    expected: 'ERR_SDJWT_TYP_INVALID',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      return withKb(
        assemble(
          await reissue(
            jwt,
            {
              header: (h) => {
                h.typ = 'JWT';
              },
            },
            c.agency.signer,
          ),
          disclosures,
        ),
        c.holder.signer,
      );
    },
  },
  {
    id: 'sd-jwt/stray-tilde',
    source: 'RFC 9901 section 4 (SD-JWT grammar: no empty disclosures)',
    expected: 'ERR_SDJWT_MALFORMED',
    build: async (c) => c.valid.replace('~', '~~'),
  },
  {
    id: 'sd-jwt/no-tilde-at-all',
    source: 'RFC 9901 section 4 (an SD-JWT ends with "~" or a KB-JWT)',
    expected: 'ERR_HOLDER_BINDING_MISSING',
    build: async (c) => c.valid.split('~')[0]!,
  },
  {
    id: 'sd-jwt/deep-nesting',
    source: 'RFC 9901 section 7.1 (recursive processing) + Sanad nesting cap: no stack exhaustion',
    expected: 'ERR_SDJWT_MALFORMED',
    build: async (c) => {
      // Written as text: building it as an object would exhaust the stack here first.
      const { jwt, disclosures } = split(c.valid);
      const { header, payload } = decodeJwt(jwt);
      const body = JSON.stringify(payload).replace(
        /\}$/,
        `,"deep":${'{"a":'.repeat(20_000)}"x"${'}'.repeat(20_000)}}`,
      );
      const input = `${b64json(header)}.${toBase64url(body)}`;
      return withKb(
        assemble(`${input}.${toBase64url(await c.agency.signer.sign(utf8(input)))}`, disclosures),
        c.holder.signer,
      );
    },
  },

  // --- Key Binding JWT -------------------------------------------------------------------------
  {
    id: 'kb/missing',
    source: 'draft-ietf-oauth-sd-jwt-vc section 3.2.2.2 (cnf present: key binding required)',
    expected: 'ERR_HOLDER_BINDING_MISSING',
    build: async (c) => c.credential,
  },
  {
    id: 'kb/malformed',
    source: 'RFC 9901 section 4.3',
    expected: 'ERR_KB_JWT_MALFORMED',
    build: async (c) => `${c.credential}not.a-jwt`,
  },
  {
    id: 'kb/wrong-typ',
    source: 'RFC 9901 section 4.3 (typ kb+jwt)',
    expected: 'ERR_KB_JWT_MALFORMED',
    build: async (c) => withKb(c.credential, c.holder.signer, {}, { typ: 'JWT' }),
  },
  {
    id: 'kb/alg-none',
    source: 'RFC 9901 section 7.3 step 5.c; RFC 8725 section 3.1',
    expected: 'ERR_KB_JWT_MALFORMED',
    build: async (c) =>
      `${c.credential}${b64json({ alg: 'none', typ: 'kb+jwt' })}.${b64json({ nonce: NONCE, aud: AUDIENCE, iat: now(), sd_hash: sdHash(c.credential) })}.`,
  },
  {
    id: 'kb/wrong-nonce',
    source: 'RFC 9901 section 7.3 step 5.e (nonce)',
    expected: 'ERR_NONCE_MISMATCH',
    build: async (c) =>
      withKb(c.credential, c.holder.signer, { nonce: 'another-nonce-0123456789' }),
  },
  {
    id: 'kb/wrong-audience',
    source: 'RFC 9901 section 7.3 step 5.e (aud)',
    expected: 'ERR_AUDIENCE_MISMATCH',
    build: async (c) =>
      withKb(c.credential, c.holder.signer, { aud: 'https://other-verifier.example' }),
  },
  {
    id: 'kb/audience-as-array',
    source: 'RFC 9901 section 4.3: aud is a single string',
    expected: 'ERR_AUDIENCE_MISMATCH',
    build: async (c) =>
      withKb(c.credential, c.holder.signer, { aud: [AUDIENCE, 'https://other.example'] }),
  },
  {
    id: 'kb/iat-too-old',
    source: 'RFC 9901 section 7.3 step 5.d (iat within an acceptable window)',
    expected: 'ERR_PRESENTATION_IAT_INVALID',
    build: async (c) => withKb(c.credential, c.holder.signer, { iat: now() - 3600 }),
  },
  {
    id: 'kb/iat-in-future',
    source: 'RFC 9901 section 7.3 step 5.d',
    expected: 'ERR_PRESENTATION_IAT_INVALID',
    build: async (c) => withKb(c.credential, c.holder.signer, { iat: now() + 3600 }),
  },
  {
    id: 'kb/iat-missing',
    source: 'RFC 9901 section 4.3 (iat required)',
    expected: 'ERR_PRESENTATION_IAT_INVALID',
    build: async (c) => withKb(c.credential, c.holder.signer, { iat: undefined }),
  },
  {
    id: 'kb/wrong-sd-hash',
    source: 'RFC 9901 section 7.3 step 5.f (sd_hash over the presented SD-JWT)',
    expected: 'ERR_KB_SD_HASH_MISMATCH',
    build: async (c) =>
      withKb(c.credential, c.holder.signer, { sd_hash: sdHash(`${c.credential}x`) }),
  },
  {
    id: 'kb/sd-hash-after-dropping-a-disclosure',
    source: 'RFC 9901 section 7.3 step 5.f: disclosures cannot be removed after signing',
    expected: 'ERR_KB_SD_HASH_MISMATCH',
    build: async (c) => {
      const { jwt, disclosures, kb } = split(c.valid);
      return `${assemble(jwt, disclosures.slice(1))}${kb}`;
    },
  },
  {
    id: 'kb/signed-by-another-key',
    source: 'RFC 9901 section 7.3 step 5.c (signed by the key in cnf)',
    expected: 'ERR_HOLDER_BINDING_INVALID',
    build: async (c) => withKb(c.credential, await attacker),
  },
  {
    id: 'kb/flipped-signature',
    source: 'RFC 9901 section 7.3 step 5.c',
    expected: 'ERR_HOLDER_BINDING_INVALID',
    build: async (c) => {
      const { kb } = split(c.valid);
      return `${c.credential}${flipSignature(kb)}`;
    },
  },

  // --- SD-JWT VC and trust ---------------------------------------------------------------------
  {
    id: 'vc/iss-not-matching-key',
    source:
      "draft-ietf-oauth-sd-jwt-vc section 3.5 (the key must belong to iss): a trusted issuer's key signing as another trusted issuer",
    expected: 'ERR_ISSUER_KEY_NOT_FOUND',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      return withKb(
        assemble(
          await reissue(
            jwt,
            {
              payload: (p) => {
                p.iss = c.otherIssuer.did;
              },
            },
            c.agency.signer,
          ),
          disclosures,
        ),
        c.holder.signer,
      );
    },
  },
  {
    id: 'vc/untrusted-issuer',
    source: 'Sanad trust list (docs/trust-list.md): unknown issuers are refused',
    expected: 'ERR_ISSUER_UNTRUSTED',
    build: async () => {
      const rogue = await makeAgency();
      const holder = await makeHolder();
      const { bundle } = await rogue.issuer.issue({
        type: 'refugee-status',
        claims: amal,
        holders: [holder],
      });
      return withKb(bundle.credentials[0]!, holder.signer);
    },
  },
  {
    id: 'vc/issuer-not-authorised-for-type',
    source: 'Sanad trust list: per-type authorisation',
    expected: 'ERR_ISSUER_NOT_AUTHORIZED',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      return withKb(
        assemble(
          await reissue(
            jwt,
            {
              payload: (p) => {
                p.vct = 'https://sanad.example/credentials/passport';
              },
            },
            c.agency.signer,
          ),
          disclosures,
        ),
        c.holder.signer,
      );
    },
  },
  {
    id: 'vc/expired',
    source: 'RFC 7519 section 4.1.4 (exp)',
    expected: 'ERR_CREDENTIAL_EXPIRED',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      return withKb(
        assemble(
          await reissue(
            jwt,
            {
              payload: (p) => {
                p.exp = now() - 3600;
              },
            },
            c.agency.signer,
          ),
          disclosures,
        ),
        c.holder.signer,
      );
    },
  },
  {
    id: 'vc/expired-just-past-skew',
    source: 'RFC 7519 section 4.1.4 with 60 s leeway: exp = now - 61',
    expected: 'ERR_CREDENTIAL_EXPIRED',
    atOffsetSeconds: 0,
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      return withKb(
        assemble(
          await reissue(
            jwt,
            {
              payload: (p) => {
                p.exp = c.builtAt - 61;
              },
            },
            c.agency.signer,
          ),
          disclosures,
        ),
        c.holder.signer,
      );
    },
  },
  {
    id: 'vc/not-yet-valid',
    source: 'RFC 7519 section 4.1.5 (nbf)',
    expected: 'ERR_CREDENTIAL_NOT_YET_VALID',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      return withKb(
        assemble(
          await reissue(
            jwt,
            {
              payload: (p) => {
                p.nbf = now() + 3600;
              },
            },
            c.agency.signer,
          ),
          disclosures,
        ),
        c.holder.signer,
      );
    },
  },
  {
    id: 'vc/not-yet-valid-just-past-skew',
    source: 'RFC 7519 section 4.1.5 with 60 s leeway: nbf = now + 61',
    expected: 'ERR_CREDENTIAL_NOT_YET_VALID',
    atOffsetSeconds: 0,
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      return withKb(
        assemble(
          await reissue(
            jwt,
            {
              payload: (p) => {
                p.nbf = c.builtAt + 61;
              },
            },
            c.agency.signer,
          ),
          disclosures,
        ),
        c.holder.signer,
      );
    },
  },
  {
    id: 'vc/checked-after-expiry',
    source: 'RFC 7519 section 4.1.4: the same credential verified two years later',
    expected: 'ERR_CREDENTIAL_EXPIRED',
    atOffsetSeconds: 2 * 366 * 86400,
    build: async (c) => c.credential,
  },
  {
    id: 'vc/cnf-missing',
    source: 'draft-ietf-oauth-sd-jwt-vc section 3.2.2.2: Sanad requires holder binding',
    expected: 'ERR_HOLDER_BINDING_MISSING',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      return assemble(
        await reissue(
          jwt,
          {
            payload: (p) => {
              delete p.cnf;
            },
          },
          c.agency.signer,
        ),
        disclosures,
      );
    },
  },
  {
    id: 'vc/cnf-with-private-key',
    source: 'RFC 7800 section 3.2 (cnf carries a public key); a private key there is an issuer bug',
    expected: 'ERR_HOLDER_BINDING_INVALID',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      const signed = await reissue(
        jwt,
        {
          payload: (p) => {
            p.cnf = { jwk: { ...c.holder.privateJwk } };
          },
        },
        c.agency.signer,
      );
      return withKb(assemble(signed, disclosures), c.holder.signer);
    },
  },
  {
    id: 'vc/holder-key-swapped-in-cnf',
    source: 'RFC 9901 section 7.3: cnf is fixed by the issuer signature',
    expected: 'ERR_SIGNATURE_INVALID',
    build: async (c) => {
      const evil = await attacker;
      const { jwt, disclosures } = split(c.valid);
      const [h, , s] = jwt.split('.') as [string, string, string];
      const payload = { ...decodeJwt(jwt).payload, cnf: { jwk: publicJwkOf(evil.publicJwk) } };
      return withKb(assemble(`${h}.${b64json(payload)}.${s}`, disclosures), evil);
    },
  },

  // --- VC-JWT in a VP-JWT ----------------------------------------------------------------------
  {
    id: 'vp/signed-by-someone-else',
    source: 'W3C VC Data Model 1.1 section 7.1 (JWT): the VP signer must be the credential subject',
    expected: 'ERR_HOLDER_MISMATCH',
    build: async (c) => {
      const other = await makeHolder('EdDSA');
      return createVerifiablePresentationJwt(
        {
          vp: {
            '@context': ['https://www.w3.org/2018/credentials/v1'],
            type: ['VerifiablePresentation'],
            verifiableCredential: [c.vcJwt],
          },
          nonce: NONCE,
          aud: AUDIENCE,
        } as never,
        { did: other.did, signer: base64urlSigner(other.signer), alg: 'EdDSA' },
        { header: { kid: other.kid, alg: 'EdDSA' } },
      );
    },
  },
  {
    id: 'vp/wrong-nonce',
    source: 'W3C VC Data Model 1.1 section 6.3.1 / OpenID4VP 1.0 section 14.1 (replay)',
    expected: 'ERR_NONCE_MISMATCH',
    build: async (c) =>
      createVerifiablePresentationJwt(
        {
          vp: {
            '@context': ['https://www.w3.org/2018/credentials/v1'],
            type: ['VerifiablePresentation'],
            verifiableCredential: [c.vcJwt],
          },
          nonce: 'wrong-nonce-0123456789',
          aud: AUDIENCE,
        } as never,
        { did: c.edHolder.did, signer: base64urlSigner(c.edHolder.signer), alg: 'EdDSA' },
        { header: { kid: c.edHolder.kid, alg: 'EdDSA' } },
      ),
  },
  {
    id: 'vp/vc-claims-contradict-jwt-claims',
    source: 'W3C VC Data Model 1.1 section 6.3.1 (vc.credentialSubject.id must equal sub)',
    expected: 'ERR_VC_CLAIMS_INCONSISTENT',
    build: async (c) => {
      const vc = await reissue(
        c.vcJwt,
        {
          payload: (p) => {
            const v = p.vc as { credentialSubject: Record<string, unknown> };
            v.credentialSubject.id = 'did:key:z6MkAttacker';
          },
        },
        c.agency.signer,
      );
      return createVerifiablePresentationJwt(
        {
          vp: {
            '@context': ['https://www.w3.org/2018/credentials/v1'],
            type: ['VerifiablePresentation'],
            verifiableCredential: [vc],
          },
          nonce: NONCE,
          aud: AUDIENCE,
        } as never,
        { did: c.edHolder.did, signer: base64urlSigner(c.edHolder.signer), alg: 'EdDSA' },
        { header: { kid: c.edHolder.kid, alg: 'EdDSA' } },
      );
    },
  },
  {
    id: 'vp/tampered-inner-vc',
    source: 'did-jwt-vc verifyPresentation does not check the VC inside; Sanad must',
    expected: 'ERR_SIGNATURE_INVALID',
    build: async (c) => {
      const [h, , s] = c.vcJwt.split('.') as [string, string, string];
      const payload = decodeJwt(c.vcJwt).payload as {
        vc: { credentialSubject: Record<string, unknown> };
      };
      payload.vc.credentialSubject.age_over_18 = false;
      return createVerifiablePresentationJwt(
        {
          vp: {
            '@context': ['https://www.w3.org/2018/credentials/v1'],
            type: ['VerifiablePresentation'],
            verifiableCredential: [`${h}.${b64json(payload)}.${s}`],
          },
          nonce: NONCE,
          aud: AUDIENCE,
        } as never,
        { did: c.edHolder.did, signer: base64urlSigner(c.edHolder.signer), alg: 'EdDSA' },
        { header: { kid: c.edHolder.kid, alg: 'EdDSA' } },
      );
    },
  },

  // --- NumericDate (RFC 7519 section 2): whole seconds from 0 to 2^53 ------------------------
  ...(
    [
      ['exp-infinite', 'exp', '1e309', 'parsed as Infinity: the credential would never expire'],
      ['exp-beyond-2^53', 'exp', '9007199254740994', 'not an exact integer in JavaScript'],
      ['iat-string', 'iat', '"1700000000"', 'a string, compared as text or coerced'],
      ['nbf-fraction', 'nbf', '1700000000.5', 'not a whole second'],
      ['nbf-negative-infinite', 'nbf', '-1e309', 'parsed as -Infinity: valid since forever'],
    ] as const
  ).map(
    ([name, claim, raw, why]): PresentationCase => ({
      id: `numeric-date/${name}`,
      source: `RFC 7519 section 2 NumericDate, signed by the issuer (${why})`,
      expected: 'ERR_NUMERIC_DATE_INVALID',
      build: (c) => issuedWithDate(c, claim, raw),
    }),
  ),
  {
    id: 'numeric-date/kb-iat-infinite',
    source: 'RFC 7519 section 2 NumericDate in the KB-JWT iat (RFC 9901 section 4.3)',
    expected: 'ERR_NUMERIC_DATE_INVALID',
    build: async (c) =>
      `${c.credential}${await signWithRawClaim(c.holder.signer, { typ: 'kb+jwt' }, { nonce: NONCE, aud: AUDIENCE, sd_hash: sdHash(c.credential) }, 'iat', '1e309')}`,
  },
  {
    id: 'numeric-date/vc-jwt-exp-infinite',
    source: 'RFC 7519 section 2 NumericDate in a VC-JWT (VC Data Model 1.1 section 6.3.1: exp)',
    expected: 'ERR_NUMERIC_DATE_INVALID',
    build: async (c) => {
      const { header, payload } = decodeJwt(c.vcJwt);
      return vpJwt(
        await signWithRawClaim(c.agency.signer, header, payload, 'exp', '1e309'),
        c.edHolder,
      );
    },
  },
  {
    id: 'numeric-date/vc-expiration-date-unreadable',
    source:
      'VC Data Model 1.1 section 6.3.1: expirationDate maps to exp; an unreadable one must not mean "never"',
    expected: 'ERR_NUMERIC_DATE_INVALID',
    build: async (c) => {
      const vc = await reissue(
        c.vcJwt,
        {
          payload: (p) => {
            delete p.exp;
            (p.vc as Record<string, unknown>).expirationDate = 'not a date';
          },
        },
        c.agency.signer,
      );
      return vpJwt(vc, c.edHolder);
    },
  },

  // --- Canonical base64url (RFC 7515 section 2, RFC 4648 section 3.5): one string per signature ---
  {
    id: 'encoding/issuer-signature-unused-bits',
    source:
      'RFC 4648 section 3.5: the issuer signature with non-zero unused bits (same bytes, another string)',
    expected: 'ERR_SDJWT_MALFORMED',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      return withKb(assemble(flipUnusedBits(jwt), disclosures), c.holder.signer);
    },
  },
  {
    id: 'encoding/kb-signature-unused-bits',
    source: 'RFC 4648 section 3.5: the KB-JWT signature with non-zero unused bits',
    expected: 'ERR_KB_JWT_MALFORMED',
    build: async (c) => flipUnusedBits(c.valid),
  },
  {
    id: 'encoding/disclosure-unused-bits',
    source:
      'RFC 4648 section 3.5 / RFC 9901 section 4.2.1: a disclosure with non-zero unused bits, even when its digest is signed',
    expected: 'ERR_SDJWT_DISCLOSURE_MALFORMED',
    build: async (c) => {
      const extra = [
        disclosure('c2FsdHNhbHRzYWx0c2FsdA', 'alias', 'Am'),
        disclosure('c2FsdHNhbHRzYWx0c2FsdA', 'alias2', 'Am'),
      ].find((d) => d.length % 4 >= 2)!;
      return issueWith(c, [flipUnusedBits(extra)]);
    },
  },
  {
    id: 'encoding/vp-signature-unused-bits',
    source: 'RFC 4648 section 3.5: the VP-JWT signature with non-zero unused bits',
    expected: 'ERR_JWT_MALFORMED',
    build: async (c) => flipUnusedBits(await vpJwt(c.vcJwt, c.edHolder)),
  },
  {
    id: 'encoding/vc-signature-unused-bits',
    source: 'RFC 4648 section 3.5: the VC-JWT signature inside a VP with non-zero unused bits',
    expected: 'ERR_JWT_MALFORMED',
    build: async (c) => vpJwt(flipUnusedBits(c.vcJwt), c.edHolder),
  },

  // --- W3C Data Integrity (ldp_vc, ecdsa-sd-2023) ---------------------------------------------
  {
    id: 'ldp-vc/disclosed-statement-changed',
    source:
      'vc-di-ecdsa, ecdsa-sd-2023 verifyDerivedProof: each revealed statement against its signature',
    expected: 'ERR_DI_PROOF_INVALID',
    build: async (c) =>
      ldpVpWith(c, (_vp, vc) => {
        vc.credentialSubject.age_over_18 = false;
      }),
  },
  {
    id: 'ldp-vc/mandatory-statement-removed',
    source:
      'vc-di-ecdsa, ecdsa-sd-2023 verifyDerivedProof: the mandatory statements are hashed into the base signature',
    expected: 'ERR_DI_PROOF_INVALID',
    build: async (c) =>
      ldpVpWith(c, (_vp, vc) => {
        delete vc.validUntil;
      }),
  },
  {
    id: 'ldp-vc/proof-values-swapped',
    source:
      "vc-di-ecdsa, ecdsa-sd-2023 verifyDerivedProof: another credential's derived proof value",
    expected: 'ERR_DI_PROOF_INVALID',
    build: async (c) =>
      ldpVpWith(c, (_vp, vc) => {
        vc.proof.proofValue = JSON.parse(c.ldpVpOther).verifiableCredential[0].proof.proofValue;
      }),
  },
  {
    id: 'ldp-vc/context-added',
    source: 'VC Data Model 2.0, Contexts: a context added can change what the JSON means',
    expected: 'ERR_DI_CONTEXT_NOT_ALLOWED',
    build: async (c) =>
      ldpVpWith(c, (_vp, vc) => {
        vc['@context'].push('https://w3id.org/security/data-integrity/v2');
      }),
  },
  {
    id: 'ldp-vc/context-swapped',
    source: 'VC Data Model 2.0, Contexts: documents come only from a known, pinned set',
    expected: 'ERR_DI_CONTEXT_NOT_ALLOWED',
    build: async (c) =>
      ldpVpWith(c, (_vp, vc) => {
        vc['@context'][1] = 'https://evil.example/context';
      }),
  },
  {
    id: 'ldp-vc/unknown-cryptosuite',
    source: 'VC Data Integrity, verify proof: a cryptosuite the verifier does not know is an error',
    expected: 'ERR_DI_CRYPTOSUITE_UNSUPPORTED',
    build: async (c) =>
      ldpVpWith(c, (_vp, vc) => {
        vc.proof.cryptosuite = 'ecdsa-sd-2099';
      }),
  },
  {
    id: 'ldp-vc/base-proof-presented',
    source:
      "vc-di-ecdsa, ecdsa-sd-2023 parseDerivedProofValue: a derived proof opens 0xd9 0x5d 0x01; the base (0x00) is the holder's",
    expected: 'ERR_DI_BASE_PROOF_PRESENTED',
    build: async (c) =>
      ldpVpWith(c, (vp) => {
        vp.verifiableCredential = [JSON.parse(c.ldpVc)];
      }),
  },
  {
    id: 'ldp-vc/holder-proof-removed',
    source: 'OpenID4VP 1.0 appendix B.1.3.2: the VP is signed by the holder for this request',
    expected: 'ERR_HOLDER_BINDING_MISSING',
    build: async (c) =>
      ldpVpWith(c, (vp) => {
        delete vp.proof;
      }),
  },
  {
    id: 'ldp-vc/holder-proof-for-another-nonce',
    source: 'OpenID4VP 1.0 appendix B.1.3.2: the VP proof challenge is the request nonce',
    expected: 'ERR_NONCE_MISMATCH',
    build: async (c) =>
      ldpVpWith(c, (vp) => {
        vp.proof.challenge = 'another-nonce';
      }),
  },
  {
    id: 'ldp-vc/oversized',
    source: 'CWE-400: refused before any JSON-LD processing (64 KiB)',
    expected: 'ERR_INPUT_TOO_LARGE',
    build: async (c) =>
      ldpVpWith(c, (_vp, vc) => {
        vc.credentialSubject.padding = 'x'.repeat(70_000);
      }),
  },
  {
    id: 'ldp-vc/deeply-nested',
    source: 'CWE-674: refused before any JSON-LD processing (16 levels)',
    expected: 'ERR_INPUT_TOO_DEEP',
    build: async (c) =>
      ldpVpWith(c, (_vp, vc) => {
        let deep: unknown = 1;
        for (let i = 0; i < 40; i++) deep = { deep };
        vc.credentialSubject.deep = deep;
      }),
  },

  // --- JavaScript-specific -------------------------------------------------------------------
  {
    id: 'js/constructor-claim-cannot-fake-type',
    source:
      'CWE-1321 (prototype pollution): a disclosed "constructor" stays data and cannot collide',
    expected: 'ERR_SDJWT_DISCLOSURE_UNREFERENCED',
    build: async (c) => {
      const { jwt, disclosures } = split(c.valid);
      return withKb(
        assemble(jwt, [
          ...disclosures,
          disclosure('c2FsdHNhbHRzYWx0c2FsdA', 'constructor', { prototype: { verified: true } }),
        ]),
        c.holder.signer,
      );
    },
  },
];
