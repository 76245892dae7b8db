/** Public test vectors (see test/vectors/SOURCE.md): every case in every copied file runs. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SDJwtInstance } from '@sd-jwt/core';
import { isMap, isScalar, isSeq, parse as parseYaml, parseDocument } from 'yaml';
import {
  decodeDisclosure,
  decodeJwt,
  decodeTokenStatusList,
  didKeyFromJwk,
  encodeTokenStatusList,
  fromBase64url,
  inflateBounded,
  generateKeyPair,
  type JWK,
  jwkFromDidKey,
  parseSdJwt,
  parseStatusListJwt,
  processSdJwtPayload,
  resolveDid,
  sha256,
  type StatusBits,
  signerFromJwk,
  toBase64url,
  utf8,
  verifyDecodedJwt,
  verifyKeyBinding,
} from '@sanad/core';
import { describe, expect, it } from 'vitest';

const dir = join(import.meta.dirname, 'vectors');
const json = <T>(...path: string[]): T => JSON.parse(readFileSync(join(dir, ...path), 'utf8')) as T;

describe('did:key (w3c-ccg/did-method-key)', () => {
  const nist = json<
    Record<string, { verificationMethod: { publicKeyJwk?: JWK; publicKeyBase58?: string } }>
  >('did-key', 'nist-curves.json');
  const ed = json<
    Record<
      string,
      {
        didDocument: {
          verificationMethod: Array<{ publicKeyJwk?: JWK; publicKeyBase58?: string }>;
        };
      }
    >
  >('did-key', 'ed25519-x25519.json');

  for (const [did, vector] of Object.entries(nist)) {
    const jwk = vector.verificationMethod.publicKeyJwk;
    // One P-256 vector gives its key in base58 only; its prefix zDn is the P-256 multicodec.
    const crv = jwk?.crv ?? (did.startsWith('did:key:zDn') ? 'P-256' : 'unknown');
    if (crv === 'P-256') {
      it(`decodes and re-encodes ${did.slice(0, 24)}… (P-256)`, async () => {
        const decoded = jwkFromDidKey(did);
        if (jwk) expect(decoded).toMatchObject({ kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y });
        expect(didKeyFromJwk(decoded)).toBe(did);
        expect((await resolveDid(did)).id).toBe(did);
      });
    } else {
      it(`refuses ${did.slice(0, 24)}… (${crv}) with a typed error`, () => {
        expect(() => jwkFromDidKey(did)).toThrow(
          expect.objectContaining({ code: 'ERR_DID_METHOD_UNSUPPORTED' }),
        );
      });
    }
  }

  for (const [did, vector] of Object.entries(ed)) {
    it(`decodes and re-encodes ${did.slice(0, 24)}… (Ed25519)`, () => {
      const jwk = jwkFromDidKey(did);
      expect(jwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
      expect(didKeyFromJwk(jwk)).toBe(did);
      const fromVector = vector.didDocument.verificationMethod.find(
        (m) => m.publicKeyJwk?.crv === 'Ed25519',
      )?.publicKeyJwk;
      if (fromVector) expect(jwk.x).toBe(fromVector.x);
    });
  }

  for (const file of ['secp256k1.json', 'x25519.json']) {
    const vectors = json<Record<string, unknown>>('did-key', file);
    const dids =
      file === 'x25519.json'
        ? Object.keys(Object.values(vectors)[0] as object)
        : Object.keys(vectors);
    it(`refuses every ${file.replace('.json', '')} did:key (${dids.length}) as unsupported`, () => {
      for (const did of dids)
        expect(() => jwkFromDidKey(did)).toThrow(
          expect.objectContaining({ code: 'ERR_DID_METHOD_UNSUPPORTED' }),
        );
    });
  }
});

describe('Token Status List (draft-ietf-oauth-status-list)', () => {
  const { cases } = json<{
    cases: Array<{
      name: string;
      bits: StatusBits;
      size: number;
      statuses: Record<string, number>;
      json: { bits: number; lst: string };
    }>;
  }>('token-status-list', 'status-list-encoding.json');
  for (const c of cases) {
    it(`decodes ${c.name} and round-trips its encoding`, () => {
      const view = decodeTokenStatusList(c.json);
      expect(view.size).toBe(c.size);
      const expected = new Uint8Array(c.size);
      for (const [i, v] of Object.entries(c.statuses)) expected[Number(i)] = v;
      for (let i = 0; i < c.size; i += 1)
        if (view.get(i) !== expected[i])
          expect.fail(`index ${i}: ${view.get(i)} !== ${expected[i]}`);
      // Packed exactly as the draft's own generator packs it: the same bytes before compression.
      const packed = (lst: string) => inflateBounded(fromBase64url(lst), 'zlib');
      expect(packed(encodeTokenStatusList(expected, c.bits).lst)).toEqual(packed(c.json.lst));
      const again = decodeTokenStatusList(encodeTokenStatusList(expected, c.bits));
      for (const i of Object.keys(c.statuses)) expect(again.get(Number(i))).toBe(c.statuses[i]);
      expect(() => view.get(c.size)).toThrow(
        expect.objectContaining({ code: 'ERR_STATUS_INDEX_OUT_OF_RANGE' }),
      );
    });
  }

  it('verifies and decodes the example status list JWT', async () => {
    const tokens = json<{ issuer_public_jwk: JWK; status_list_jwt: { compact: string } }>(
      'token-status-list',
      'status-list-tokens.json',
    );
    const parsed = parseStatusListJwt(tokens.status_list_jwt.compact);
    const { kid: _kid, alg: _alg, use: _use, ...key } = tokens.issuer_public_jwk;
    await verifyDecodedJwt(parsed.jwt, key, 'ERR_STATUS_LIST_INVALID');
    expect(parsed).toMatchObject({
      uri: 'https://example.com/statuslists/1',
      issuer: 'https://example.com',
      ttl: 43200,
    });
    expect([0, 1, 2, 3].map((i) => parsed.view.get(i))).toEqual([1, 0, 0, 1]);
  });
});

describe('SD-JWT disclosures (RFC 9901 text)', () => {
  const { cases } = json<{
    cases: Array<{
      name: string;
      disclosure: string;
      decoded: unknown[];
      sha256_digest?: string;
      sha256_digest_computed_by_helper?: string;
    }>;
  }>('sd-jwt-spec', 'disclosure-vectors.json');
  for (const c of cases) {
    it(`hashes the ${c.name} disclosure byte-exactly`, () => {
      const d = decodeDisclosure(c.disclosure);
      expect(d.digest).toBe(c.sha256_digest ?? c.sha256_digest_computed_by_helper);
      expect(d.digest).toBe(toBase64url(sha256(utf8(c.disclosure))));
      expect(c.decoded.length === 3 ? [d.salt, d.name, d.value] : [d.salt, d.value]).toEqual(
        c.decoded,
      );
    });
  }
});

/** The reference implementation (@sd-jwt/core) issuing and presenting with the given P-256 keys. */
async function referenceSdJwt(
  issuerJwk: JWK,
  holderJwk: JWK,
): Promise<SDJwtInstance<Record<string, unknown>>> {
  const issuerSigner = await signerFromJwk(issuerJwk);
  const holderSigner = await signerFromJwk(holderJwk);
  return new SDJwtInstance({
    signer: async (data: string) => toBase64url(await issuerSigner.sign(utf8(data))),
    signAlg: 'ES256',
    kbSigner: async (data: string) => toBase64url(await holderSigner.sign(utf8(data))),
    kbSignAlg: 'ES256',
    hasher: (data: string | ArrayBuffer) =>
      sha256(typeof data === 'string' ? utf8(data) : new Uint8Array(data)),
    hashAlg: 'sha-256',
    saltGenerator: () => toBase64url(crypto.getRandomValues(new Uint8Array(16))),
  });
}

/**
 * Where the sd-jwt-js port differs from the sd-jwt-python original it was ported from, the
 * original (and RFC 9901 section 7.1: an object keeps its place when its digests are removed) wins.
 */
const PYTHON_EXPECTATION: Record<string, Record<string, unknown>> = {
  'array_none_disclosed.json': { is_over: {} },
};

describe('SD-JWT cases (sd-jwt-js), verified by Sanad', () => {
  const files = readdirSync(join(dir, 'sd-jwt-js')).filter((f) => f.endsWith('.json'));
  for (const file of files) {
    it(`issues, presents and verifies ${file}`, async () => {
      const c = json<{
        claims: Record<string, unknown>;
        disclosureFrame?: Record<string, unknown>;
        presentationFrames?: Record<string, unknown>;
        presentedClaims: Record<string, unknown>;
      }>('sd-jwt-js', file);
      const issuerKey = await generateKeyPair();
      const holderKey = await generateKeyPair();
      const sdjwt = await referenceSdJwt(issuerKey.privateJwk, holderKey.privateJwk);
      const credential = await sdjwt.issue(
        { ...c.claims, iss: 'https://issuer.example', cnf: { jwk: holderKey.publicJwk } } as never,
        c.disclosureFrame as never,
      );
      const presented = await sdjwt.present(credential, c.presentationFrames as never, {
        kb: {
          payload: {
            iat: Math.floor(Date.now() / 1000),
            aud: 'https://verifier.example',
            nonce: '1234567890',
          },
        },
      });
      const parsed = parseSdJwt(presented);
      await verifyDecodedJwt(parsed.jwt, issuerKey.publicJwk);
      const { claims } = processSdJwtPayload(parsed.jwt.payload, parsed.disclosures);
      const { iss, cnf, iat: _iat, ...rest } = claims;
      expect(iss).toBe('https://issuer.example');
      expect(cnf).toEqual({ jwk: holderKey.publicJwk });
      expect(rest).toEqual(PYTHON_EXPECTATION[file] ?? c.presentedClaims);
      const kbErrors = await verifyKeyBinding(parsed.kbJwt!, {
        holderJwk: holderKey.publicJwk,
        withoutKb: parsed.withoutKb,
        nonce: '1234567890',
        audience: 'https://verifier.example',
        now: Date.now() / 1000,
      });
      expect(kbErrors).toEqual([]);
      expect(decodeJwt(parsed.kbJwt!).header.typ).toBe('kb+jwt');
      expect(fromBase64url(parsed.jwt.signingInput.split('.')[0]!).length).toBeGreaterThan(0);
    });
  }
});

/**
 * sd-jwt-python test cases: `!sd` marks in `user_claims` become the disclosure frame,
 * `holder_disclosed_claims` the presentation frame; Sanad's own processing must give exactly
 * `expect_verified_user_claims`. JSON-serialization cases run through the compact form (Sanad
 * verifies compact SD-JWTs); their claims and expectations are the same.
 */
type Frame = Record<string | number, unknown> & { _sd?: Array<string | number> };

function fromYaml(node: unknown): { value: unknown; frame?: Frame } {
  if (isMap(node)) {
    const value: Record<string, unknown> = {};
    const frame: Frame = {};
    for (const pair of node.items) {
      const key = String(isScalar(pair.key) ? pair.key.value : pair.key);
      const child = fromYaml(pair.value);
      value[key] = child.value;
      if (child.frame) frame[key] = child.frame;
      if (isScalar(pair.key) && pair.key.tag === '!sd') (frame._sd ??= []).push(key);
    }
    return { value, ...(Object.keys(frame).length > 0 ? { frame } : {}) };
  }
  if (isSeq(node)) {
    const value: unknown[] = [];
    const frame: Frame = {};
    node.items.forEach((item, i) => {
      const child = fromYaml(item);
      value.push(child.value);
      if (child.frame) frame[i] = child.frame;
      if ((item as { tag?: string }).tag === '!sd') (frame._sd ??= []).push(i);
    });
    return { value, ...(Object.keys(frame).length > 0 ? { frame } : {}) };
  }
  // A tagged plain scalar (`!sd 42`) is read as a string by the parser: resolve it as untagged.
  if (isScalar(node) && node.tag === '!sd' && node.type === 'PLAIN')
    return { value: parseYaml(String(node.value)) as unknown };
  return { value: isScalar(node) ? node.value : node };
}

/** python's "what the holder discloses" as an @sd-jwt presentation frame. */
function presentationFrame(disclosed: unknown): Record<string, unknown> | true | undefined {
  if (disclosed === true) return true;
  if (disclosed === null || disclosed === false || typeof disclosed !== 'object') return undefined;
  const entries = Array.isArray(disclosed)
    ? disclosed.map((v, i) => [String(i), v] as const)
    : Object.entries(disclosed);
  const frame: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    const inner = presentationFrame(value);
    if (inner !== undefined) frame[key] = inner;
  }
  return frame;
}

describe('SD-JWT cases (sd-jwt-python), verified by Sanad', () => {
  const root = join(dir, 'sd-jwt-python', 'testcases');
  const settings = parseYaml(readFileSync(join(root, 'settings.yml'), 'utf8')) as {
    identifiers: { issuer: string; verifier: string };
    key_settings: { issuer_keys: JWK[]; holder_key: JWK };
    key_binding_nonce: string;
  };
  const cases = readdirSync(root).filter((f) => !f.endsWith('.yml'));
  it('runs every case', () => expect(cases.length).toBe(17));
  for (const name of cases) {
    it(`issues, presents and verifies ${name}`, async () => {
      const doc = parseDocument(readFileSync(join(root, name, 'specification.yml'), 'utf8'));
      const spec = doc.toJSON() as {
        holder_disclosed_claims: unknown;
        expect_verified_user_claims: Record<string, unknown>;
        key_binding?: boolean;
        extra_header_parameters?: Record<string, unknown>;
      };
      const { value: claims, frame } = fromYaml(
        (doc.contents as unknown as { get: (k: string, keep: boolean) => unknown }).get(
          'user_claims',
          true,
        ),
      );
      const issuerJwk = settings.key_settings.issuer_keys[0]!;
      const holderJwk = settings.key_settings.holder_key;
      const { d: _d, ...holderPublic } = holderJwk;
      const { d: _i, ...issuerPublic } = issuerJwk;
      const sdjwt = await referenceSdJwt(issuerJwk, holderJwk);
      const payload = {
        ...(claims as Record<string, unknown>),
        iss: settings.identifiers.issuer,
        ...(spec.key_binding ? { cnf: { jwk: holderPublic } } : {}),
      };
      const credential = await sdjwt.issue(payload as never, frame as never, {
        header: { ...(spec.extra_header_parameters ?? {}) },
      });
      const pframe = presentationFrame(spec.holder_disclosed_claims);
      const presented = await sdjwt.present(
        credential,
        (pframe === true ? undefined : pframe) as never,
        spec.key_binding
          ? {
              kb: {
                payload: {
                  iat: Math.floor(Date.now() / 1000),
                  aud: settings.identifiers.verifier,
                  nonce: settings.key_binding_nonce,
                },
              },
            }
          : {},
      );
      const parsed = parseSdJwt(presented);
      await verifyDecodedJwt(parsed.jwt, issuerPublic);
      const { claims: verified } = processSdJwtPayload(parsed.jwt.payload, parsed.disclosures);
      const expected: Record<string, unknown> = {
        ...spec.expect_verified_user_claims,
        iss: settings.identifiers.issuer,
      };
      if (spec.key_binding) {
        expected.cnf = { jwk: holderPublic };
        const kb = await verifyKeyBinding(parsed.kbJwt!, {
          holderJwk: holderPublic,
          withoutKb: parsed.withoutKb,
          nonce: settings.key_binding_nonce,
          audience: settings.identifiers.verifier,
          now: Date.now() / 1000,
        });
        expect(kb).toEqual([]);
      }
      const { iat: _iat, ...rest } = verified;
      expect(rest).toEqual(expected);
    });
  }
});
