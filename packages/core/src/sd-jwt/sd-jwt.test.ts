/** RFC 9901 section 7 checks, each named after the step it enforces, on hand-made SD-JWTs. */
import { describe, expect, it } from 'vitest';
import { toBase64url, utf8 } from '../encoding.js';
import { generateKeyPair, signerFromJwk, signJwt } from '../keys.js';
import { decodeDisclosure, pathsOverlap, processSdJwtPayload } from './disclosures.js';
import { sdHash, verifyKeyBinding } from './key-binding.js';
import { parseSdJwt } from './sd-jwt.js';

const disclosure = (...parts: unknown[]): string => toBase64url(utf8(JSON.stringify(parts)));
const digestOf = (d: string): string => decodeDisclosure(d).digest;
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
    return undefined;
  } catch (err) {
    return (err as { code?: string }).code;
  }
};

describe('4: parsing', () => {
  it('splits issuer JWT, disclosures and KB-JWT; refuses a missing separator or empty disclosure', () => {
    const jwt = `${toBase64url('{"alg":"ES256"}')}.${toBase64url('{}')}.c2ln`;
    const d = disclosure('salt', 'a', 1);
    expect(parseSdJwt(`${jwt}~${d}~`)).toMatchObject({
      disclosures: [d],
      withoutKb: `${jwt}~${d}~`,
    });
    expect(parseSdJwt(`${jwt}~${d}~kb.jwt.x`).kbJwt).toBe('kb.jwt.x');
    expect(codeOf(() => parseSdJwt(jwt))).toBe('ERR_SDJWT_MALFORMED');
    expect(codeOf(() => parseSdJwt(`${jwt}~~${d}~`))).toBe('ERR_SDJWT_MALFORMED');
    expect(codeOf(() => parseSdJwt('not-a-jwt~'))).toBe('ERR_SDJWT_MALFORMED');
    expect(codeOf(() => parseSdJwt('x'.repeat(1_000_001)))).toBe('ERR_SDJWT_MALFORMED');
  });
});

describe('7.1: processing the disclosures', () => {
  const name = disclosure('s1', 'given_name', 'Amal');
  const age = disclosure('s2', 'age_over_18', true);
  const nat1 = disclosure('s3', 'SYR');
  const payload = {
    iss: 'x',
    _sd_alg: 'sha-256',
    _sd: [digestOf(name), digestOf(age), 'decoy-digest'],
    nationalities: [{ '...': digestOf(nat1) }, 'JOR'],
    address: { _sd: [] as string[], country: 'JO' },
  };

  it('step 3: replaces object and array digests, ignores decoys, removes _sd and _sd_alg', () => {
    const { claims, disclosedPaths } = processSdJwtPayload(payload, [name, age, nat1]);
    expect(claims).toEqual({
      iss: 'x',
      given_name: 'Amal',
      age_over_18: true,
      nationalities: ['SYR', 'JOR'],
      address: { country: 'JO' },
    });
    expect(disclosedPaths).toEqual(
      expect.arrayContaining([['given_name'], ['age_over_18'], ['nationalities', 0]]),
    );
  });

  it('step 3: leaves undisclosed claims and array elements out', () => {
    expect(processSdJwtPayload(payload, [age]).claims).toEqual({
      iss: 'x',
      age_over_18: true,
      nationalities: ['JOR'],
      address: { country: 'JO' },
    });
  });

  it('step 3: processes nested disclosures recursively', () => {
    const locality = disclosure('s4', 'locality', 'Amman');
    const address = disclosure('s5', 'address', { _sd: [digestOf(locality)], country: 'JO' });
    const { claims, disclosedPaths } = processSdJwtPayload({ _sd: [digestOf(address)] }, [
      address,
      locality,
    ]);
    expect(claims).toEqual({ address: { locality: 'Amman', country: 'JO' } });
    expect(disclosedPaths).toEqual([['address', 'locality'], ['address']]);
  });

  it('step 4: refuses a disclosure named _sd or ...', () => {
    for (const bad of ['_sd', '...']) {
      const d = disclosure('s', bad, 'x');
      expect(codeOf(() => processSdJwtPayload({ _sd: [digestOf(d)] }, [d]))).toBe(
        'ERR_SDJWT_CLAIM_NAME_FORBIDDEN',
      );
    }
  });

  it('step 4: refuses a disclosure that would overwrite a claim already present', () => {
    const d = disclosure('s', 'iss', 'https://attacker.example');
    expect(codeOf(() => processSdJwtPayload({ iss: 'x', _sd: [digestOf(d)] }, [d]))).toBe(
      'ERR_SDJWT_CLAIM_COLLISION',
    );
  });

  it('step 4: refuses an array-element disclosure used as a property, and the reverse', () => {
    expect(codeOf(() => processSdJwtPayload({ _sd: [digestOf(nat1)] }, [nat1]))).toBe(
      'ERR_SDJWT_DISCLOSURE_KIND_MISMATCH',
    );
    expect(codeOf(() => processSdJwtPayload({ a: [{ '...': digestOf(name) }] }, [name]))).toBe(
      'ERR_SDJWT_DISCLOSURE_KIND_MISMATCH',
    );
  });

  it('step 4: refuses a digest that appears more than once, and a disclosure presented twice', () => {
    expect(
      codeOf(() =>
        processSdJwtPayload({ _sd: [digestOf(name)], o: { _sd: [digestOf(name)] } }, [name]),
      ),
    ).toBe('ERR_SDJWT_DIGEST_DUPLICATE');
    expect(codeOf(() => processSdJwtPayload({ _sd: [digestOf(name)] }, [name, name]))).toBe(
      'ERR_SDJWT_DIGEST_DUPLICATE',
    );
  });

  it('step 5: refuses a disclosure that no digest references — a flipped value is rejected, not dropped (CVE-2026-62374)', () => {
    const flipped = disclosure('s2', 'age_over_18', false);
    expect(codeOf(() => processSdJwtPayload({ _sd: [digestOf(age)] }, [flipped]))).toBe(
      'ERR_SDJWT_DISCLOSURE_UNREFERENCED',
    );
  });

  it('refuses malformed disclosures and unsupported _sd_alg', () => {
    for (const bad of [
      '***',
      toBase64url('not json'),
      disclosure('only-salt'),
      disclosure(1, 'a', 'b'),
      disclosure('s', 2, 'b'),
      toBase64url('{"a":1}'),
    ]) {
      expect(codeOf(() => processSdJwtPayload({}, [bad]))).toBe('ERR_SDJWT_DISCLOSURE_MALFORMED');
    }
    expect(codeOf(() => processSdJwtPayload({ _sd_alg: 'sha-1' }, []))).toBe(
      'ERR_SDJWT_HASH_ALG_UNSUPPORTED',
    );
    expect(codeOf(() => processSdJwtPayload({ _sd: 'x' }, []))).toBe('ERR_SDJWT_MALFORMED');
  });

  it('keeps __proto__, constructor and prototype as plain data (no prototype pollution)', () => {
    const d = disclosure('s', '__proto__', { polluted: true });
    const { claims } = processSdJwtPayload({ _sd: [digestOf(d)] }, [d]);
    expect(Object.hasOwn(claims, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(claims)).toBe(Object.prototype);
  });

  it('refuses absurd nesting quickly, without a stack overflow', () => {
    let deep: Record<string, unknown> = {};
    for (let i = 0; i < 10_000; i += 1) deep = { a: deep };
    expect(codeOf(() => processSdJwtPayload(deep, []))).toBe('ERR_SDJWT_MALFORMED');
  });

  it('path overlap: a claim, its parents and its parts', () => {
    expect(pathsOverlap(['address'], ['address', 'locality'])).toBe(true);
    expect(pathsOverlap(['nationalities', 1], ['nationalities', null])).toBe(true);
    expect(pathsOverlap(['given_name'], ['family_name'])).toBe(false);
  });
});

describe('7.3: key binding', async () => {
  const holder = await generateKeyPair();
  const signer = await signerFromJwk(holder.privateJwk);
  const withoutKb = 'eyJ.eyJ.sig~WyJz~';
  const now = 1_800_000_000;
  const expected = {
    holderJwk: holder.publicJwk,
    withoutKb,
    nonce: 'n1',
    audience: 'https://v.example',
    now,
  };
  const kb = (payload: Record<string, unknown>, typ = 'kb+jwt') =>
    signJwt(
      signer,
      { typ },
      { nonce: 'n1', aud: 'https://v.example', iat: now, sd_hash: sdHash(withoutKb), ...payload },
    );

  it('accepts a correct KB-JWT', async () => {
    expect(await verifyKeyBinding(await kb({}), expected)).toEqual([]);
  });

  it.each([
    ['nonce', { nonce: 'n2' }, 'ERR_NONCE_MISMATCH'],
    ['aud', { aud: 'https://other.example' }, 'ERR_AUDIENCE_MISMATCH'],
    ['aud as an array', { aud: ['https://v.example'] }, 'ERR_AUDIENCE_MISMATCH'],
    ['old iat', { iat: now - 301 }, 'ERR_PRESENTATION_IAT_INVALID'],
    ['future iat', { iat: now + 61 }, 'ERR_PRESENTATION_IAT_INVALID'],
    ['missing iat', { iat: undefined }, 'ERR_PRESENTATION_IAT_INVALID'],
    ['sd_hash', { sd_hash: sdHash('other~') }, 'ERR_KB_SD_HASH_MISMATCH'],
  ])('refuses a wrong %s', async (_name, override, code) => {
    expect((await verifyKeyBinding(await kb(override), expected)).map((e) => e.code)).toEqual([
      code,
    ]);
  });

  it('refuses a wrong typ, a foreign signer and a malformed KB-JWT', async () => {
    expect((await verifyKeyBinding(await kb({}, 'JWT'), expected)).map((e) => e.code)).toEqual([
      'ERR_KB_JWT_MALFORMED',
    ]);
    const other = await signerFromJwk((await generateKeyPair()).privateJwk);
    const foreign = await signJwt(
      other,
      { typ: 'kb+jwt' },
      { nonce: 'n1', aud: 'https://v.example', iat: now, sd_hash: sdHash(withoutKb) },
    );
    expect((await verifyKeyBinding(foreign, expected)).map((e) => e.code)).toEqual([
      'ERR_HOLDER_BINDING_INVALID',
    ]);
    await expect(verifyKeyBinding('a.b', expected)).rejects.toMatchObject({
      code: 'ERR_KB_JWT_MALFORMED',
    });
  });
});
