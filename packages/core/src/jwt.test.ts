import { describe, expect, it } from 'vitest';
import { didKeyFromJwk } from './did/did-key.js';
import {
  decodeJwt,
  generateKeyPair,
  loadTrustList,
  loadVerifierRegistry,
  numericDate,
  parseSdJwt,
  parseStatusListJwt,
  type Signer,
  signerFromJwk,
  toBase64url,
  TRUST_LIST_JWT_TYP,
  utf8,
  VERIFIER_REGISTRY_JWT_TYP,
  verifyKeyBinding,
} from './index.js';

/** Signs payload JSON exactly as written: `1e309` cannot come out of JSON.stringify (it writes null). */
async function signText(
  signer: Signer,
  header: Record<string, unknown>,
  payloadJson: string,
): Promise<string> {
  const input = `${toBase64url(JSON.stringify({ ...header, alg: signer.alg }))}.${toBase64url(payloadJson)}`;
  return `${input}.${toBase64url(await signer.sign(utf8(input)))}`;
}

/** `object` as JSON with `claim` written first, as raw JSON text. */
const withClaim = (object: Record<string, unknown>, claim: string, raw: string): string =>
  `{"${claim}":${raw},${JSON.stringify(object).slice(1)}`;

// RFC 7519 section 2: a NumericDate is a number of seconds; Sanad takes whole seconds from 0 to 2^53.
const BAD_DATES = [
  '1e309',
  '-1e309',
  '9007199254740994',
  '"1700000000"',
  '1700000000.5',
  '-1',
  'null',
  'true',
  '{}',
];
const CLAIMS = ['exp', 'nbf', 'iat'] as const;

const issuer = await generateKeyPair();
const signer = await signerFromJwk(issuer.privateJwk);
const ISSUER_DID = didKeyFromJwk(issuer.publicJwk);
const sdJwtPayload = {
  iss: ISSUER_DID,
  vct: 'https://sanad.example/credentials/refugee-status',
  _sd_alg: 'sha-256',
  _sd: [],
};

describe('NumericDate claims (RFC 7519 section 2)', () => {
  it('reads whole seconds from 0 to 2^53 and refuses everything else', () => {
    expect(numericDate(undefined)).toBeUndefined();
    for (const good of [0, 1_700_000_000, 2 ** 53]) expect(numericDate(good)).toBe(good);
    for (const bad of [
      Number.POSITIVE_INFINITY,
      Number.NaN,
      2 ** 53 + 2,
      -1,
      0.5,
      '1700000000',
      null,
      {},
    ]) {
      expect(() => numericDate(bad)).toThrow(
        expect.objectContaining({ code: 'ERR_NUMERIC_DATE_INVALID' }),
      );
    }
  });

  for (const claim of CLAIMS) {
    it(`an issuer-signed SD-JWT VC with a bad ${claim} is refused`, async () => {
      expect(
        parseSdJwt(
          `${await signText(signer, { typ: 'dc+sd-jwt' }, withClaim(sdJwtPayload, claim, '1700000000'))}~`,
        ).jwt.payload[claim],
      ).toBe(1_700_000_000);
      for (const raw of BAD_DATES) {
        const jwt = await signText(
          signer,
          { typ: 'dc+sd-jwt' },
          withClaim(sdJwtPayload, claim, raw),
        );
        expect(() => parseSdJwt(`${jwt}~`), raw).toThrow(
          expect.objectContaining({ code: 'ERR_NUMERIC_DATE_INVALID' }),
        );
        expect(() => decodeJwt(jwt), raw).toThrow(
          expect.objectContaining({ code: 'ERR_NUMERIC_DATE_INVALID' }),
        );
      }
    });
  }

  it('a holder-signed Key Binding JWT with a bad iat is refused', async () => {
    const holder = await generateKeyPair();
    const holderSigner = await signerFromJwk(holder.privateJwk);
    for (const raw of BAD_DATES) {
      const kb = await signText(
        holderSigner,
        { typ: 'kb+jwt' },
        withClaim({ nonce: 'n', aud: 'a', sd_hash: 'h' }, 'iat', raw),
      );
      const expected = {
        holderJwk: holder.publicJwk,
        withoutKb: 'x~',
        nonce: 'n',
        audience: 'a',
        now: 1_700_000_000,
      };
      await expect(verifyKeyBinding(kb, expected), raw).rejects.toMatchObject({
        code: 'ERR_NUMERIC_DATE_INVALID',
      });
    }
  });

  it('a signed status list token with a bad exp or iat is refused', async () => {
    const payload = {
      sub: 'https://a.example/tsl/1',
      iss: ISSUER_DID,
      status_list: { bits: 1, lst: 'eNpjAgAAAwAC' },
    };
    for (const claim of ['exp', 'iat']) {
      for (const raw of BAD_DATES) {
        const token = await signText(
          signer,
          { typ: 'statuslist+jwt' },
          withClaim(payload, claim, raw),
        );
        expect(() => parseStatusListJwt(token), raw).toThrow(
          expect.objectContaining({ code: 'ERR_NUMERIC_DATE_INVALID' }),
        );
      }
    }
  });

  it('signed trust lists and verifier registries with a bad date claim are refused', async () => {
    const trustList = {
      type: 'sanad-trust-list',
      version: 1,
      name: 'North',
      issuers: [{ id: ISSUER_DID, credential_types: ['X'] }],
    };
    const registry = { type: 'sanad-verifier-registry', version: 1, verifiers: [] };
    for (const raw of ['1e309', '"1700000000"']) {
      const list = await signText(
        signer,
        { typ: TRUST_LIST_JWT_TYP },
        withClaim(trustList, 'iat', raw),
      );
      await expect(loadTrustList(list, { pinnedKey: issuer.publicJwk }), raw).rejects.toMatchObject(
        { code: 'ERR_NUMERIC_DATE_INVALID' },
      );
      const signedRegistry = await signText(
        signer,
        { typ: VERIFIER_REGISTRY_JWT_TYP },
        withClaim(registry, 'exp', raw),
      );
      await expect(
        loadVerifierRegistry(signedRegistry, { pinnedKey: issuer.publicJwk }),
        raw,
      ).rejects.toMatchObject({ code: 'ERR_NUMERIC_DATE_INVALID' });
    }
  });
});
