/**
 * JavaScript-specific attacks: names that mean something to the language (`__proto__`,
 * `constructor`, `prototype`) must stay plain data everywhere input is parsed (CWE-1321), and
 * deep or huge inputs must be refused quickly, without a stack overflow (CWE-674, CWE-400).
 */
import {
  ERROR_CODES,
  loadTrustList,
  type PresentationRequest,
  toBase64url,
  type VerificationResult,
} from '@sanad/core';
import { defineCredentialType } from '@sanad/issuer';
import {
  createPresentationRequest,
  createVerifier,
  parsePresentationRequest,
} from '@sanad/verifier';
import { createMemoryStorage, createWallet, type Wallet } from '@sanad/wallet';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { anyClaimsType } from '../properties/support.js';
import {
  type Agency,
  amal,
  type Holder,
  LOW_COST_WALLET,
  makeAgency,
  makeHolder,
  trustFor,
  VCT,
} from '../support/fixtures.js';
import { AUDIENCE, disclosure, issueWith, NONCE, split, withKb } from './presentation-corpus.js';
import { cpuMillisOf } from '../support/patience.js';

let agency: Agency;
let holder: Holder;
let credential: string;

beforeAll(async () => {
  agency = await makeAgency();
  holder = await makeHolder();
  credential = (
    await agency.issuer.issue({ type: 'refugee-status', claims: amal, holders: [holder] })
  ).bundle.credentials[0]!;
});

/** Nothing may have reached Object.prototype, whatever the test did. */
afterEach(() => {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(probe.verified).toBeUndefined();
  expect(Object.keys(Object.prototype)).toEqual([]);
});

const verifier = () =>
  createVerifier({
    trustList: trustFor({ did: agency.did }),
    offline: true,
    onStatusUnavailable: 'accept-with-warning',
  });
const plain = (o: unknown): boolean => Object.getPrototypeOf(o) === Object.prototype;

describe('names that mean something to JavaScript stay data', () => {
  for (const name of ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString']) {
    it(`js/disclosed-claim-named-${name}  [CWE-1321; RFC 9901 section 7.1 (any claim name is data)]`, async () => {
      const salt = toBase64url(new Uint8Array(16).fill(7));
      // Written as JSON text: in a JS object literal, "__proto__:" would set the prototype instead.
      const named = toBase64url(
        `[${JSON.stringify(salt)},${JSON.stringify(name)},{"polluted":true,"nested":{"__proto__":{"verified":true}}}]`,
      );
      const presentation = await issueWith({ credential, agency, holder }, [named]);
      const result = await verifier().verify(presentation, { nonce: NONCE, audience: AUDIENCE });
      expect(result.errors).toEqual([]);
      expect(plain(result.claims)).toBe(true);
      expect(Object.hasOwn(result.claims, name)).toBe(true);
      const value = Object.getOwnPropertyDescriptor(result.claims, name)!.value as Record<
        string,
        unknown
      >;
      expect(value.polluted).toBe(true);
      expect(plain(value.nested)).toBe(true);
      expect(Object.hasOwn(value.nested as object, '__proto__')).toBe(true);
    });
  }

  it('js/__proto__-in-issuer-payload  [CWE-1321: an own "__proto__" member must not become a prototype]', async () => {
    const presentation = await issueWith({ credential, agency, holder }, [], (p) => {
      Object.defineProperty(p, '__proto__', {
        value: { iss: 'did:web:attacker.example', verified: true },
        enumerable: true,
        configurable: true,
        writable: true,
      });
    });
    const result = await verifier().verify(presentation, { nonce: NONCE, audience: AUDIENCE });
    expect(result.issuer).toBe(agency.did);
  });

  it('js/__proto__-in-trust-list  [CWE-1321: a trust list cannot add issuers through the prototype]', async () => {
    const text = `{"type":"sanad-trust-list","version":1,"issuers":[],"__proto__":{"issuers":[{"id":"did:web:attacker.example","name":"x"}]}}`;
    const trust = await loadTrustList(text);
    expect(trust.document.issuers).toEqual([]);
    expect(trust.findIssuer('did:web:attacker.example')).toBeUndefined();
  });

  it('js/__proto__-in-request  [CWE-1321: a request cannot smuggle fields through the prototype]', async () => {
    const request = await createPresentationRequest({
      clientId: AUDIENCE,
      purpose: { en: 'Adult check' },
      credentials: [{ format: 'dc+sd-jwt', types: [VCT], claims: [['age_over_18']] }],
    });
    const json = JSON.parse(
      JSON.stringify(request).replace(/^\{/, '{"__proto__":{"verifier_name":"Trusted Bank"},'),
    );
    const parsed = parsePresentationRequest(json);
    expect(parsed.verifier_name).toBeUndefined();
  });
});

describe('credential types', () => {
  it('js/__proto__-in-disclosable-path  [CWE-1321: a type cannot make a member through the prototype disclosable]', () => {
    for (const path of ['c_3.__proto__', 'c_3.constructor', 'c_3.prototype[]']) {
      expect(() =>
        defineCredentialType({ ...anyClaimsType.definition, selectivelyDisclosable: [path] }),
      ).toThrow(expect.objectContaining({ code: 'ERR_CREDENTIAL_TYPE_INVALID' }));
    }
  });
});

describe('a held credential with a "__proto__" member', () => {
  let other: Agency;
  beforeAll(async () => {
    other = await makeAgency('https://other.example/status', 'ES256', [anyClaimsType]);
  });

  /** A wallet holding one any-claims credential with the given claims, written as JSON text. */
  async function walletHolding(claimsJson: string) {
    const wallet = await createWallet(
      createMemoryStorage(),
      'a long enough passphrase',
      LOW_COST_WALLET,
    );
    const claims = JSON.parse(claimsJson) as Record<string, unknown>;
    const held = await wallet.import(
      (
        await other.issuer.issue({
          type: 'any-claims',
          claims,
          holders: await wallet.createHolderKeys(1),
        })
      ).bundle,
    );
    return { wallet, held };
  }

  async function presentAndVerify(
    wallet: Wallet,
    request: PresentationRequest,
  ): Promise<VerificationResult> {
    const response = await wallet.present(
      wallet.decide(wallet.propose(request), { approve: true }),
    );
    return createVerifier({
      trustList: trustFor({ did: other.did, types: [anyClaimsType.definition.vct] }),
      offline: true,
      onStatusUnavailable: 'accept-with-warning',
    }).verify(response, { request });
  }

  it('js/__proto__-member-in-held-credential  [CWE-1321; dcql 3.0.0 deepMerge threw on it and blocked every match: found by the round-trip property]', async () => {
    const { wallet, held } = await walletHolding('{"c_3":{"__proto__":{"verified":true}},"c_7":0}');
    const refugee = await wallet.import(
      (
        await agency.issuer.issue({
          type: 'refugee-status',
          claims: amal,
          holders: await wallet.createHolderKeys(1),
        })
      ).bundle,
    );

    // A request naming both: one credential the library cannot evaluate must not hide the other.
    const refugeeQuery = {
      id: 'adult',
      format: 'dc+sd-jwt' as const,
      types: [VCT],
      claims: [['age_over_18']],
    };
    const heldQuery = {
      id: 'deep',
      format: 'dc+sd-jwt' as const,
      types: [anyClaimsType.definition.vct],
      claims: [['c_3'], ['c_7']],
    };
    const both = await createPresentationRequest({
      clientId: AUDIENCE,
      purpose: { en: 'Two checks' },
      credentials: [refugeeQuery, heldQuery],
    });
    expect(wallet.match(both)).toEqual([
      { queryId: 'adult', credentialIds: [refugee.id] },
      { queryId: 'deep', credentialIds: [held.id] },
    ]);

    const result = await presentAndVerify(
      wallet,
      await createPresentationRequest({
        clientId: AUDIENCE,
        purpose: { en: 'Member check' },
        credentials: [heldQuery],
      }),
    );
    expect(result.errors).toEqual([]);
    const c3 = result.claims.c_3 as object;
    expect(plain(c3)).toBe(true);
    expect(Object.getOwnPropertyDescriptor(c3, '__proto__')?.value).toEqual({ verified: true });
  });

  it('js/toString-member-in-held-credential  [CWE-1321 kin; dcql 3.0.0 read an own "toString" member as the prototype method and missed the match: found by the round-trip property]', async () => {
    const { wallet, held } = await walletHolding(
      '{"c_5":{"":{"toString":{}}},"c_7":{"constructor":1,"valueOf":[2]}}',
    );
    const query = {
      id: 'q',
      format: 'dc+sd-jwt' as const,
      types: [anyClaimsType.definition.vct],
      claims: [['c_5'], ['c_7']],
    };
    const request = await createPresentationRequest({
      clientId: AUDIENCE,
      purpose: { en: 'Member check' },
      credentials: [query],
    });
    expect(wallet.match(request)).toEqual([{ queryId: 'q', credentialIds: [held.id] }]);
    const result = await presentAndVerify(
      wallet,
      await createPresentationRequest({
        clientId: AUDIENCE,
        purpose: { en: 'Member check' },
        credentials: [query],
      }),
    );
    expect(result.errors).toEqual([]);
    expect(JSON.stringify(result.claims)).toBe(
      '{"c_5":{"":{"toString":{}}},"c_7":{"constructor":1,"valueOf":[2]}}',
    );
  });

  it('js/__proto__-in-requested-path  [CWE-1321: picking a requested path through "__proto__" must not merge into Object.prototype]', async () => {
    const { wallet } = await walletHolding('{"c_3":{"a":1,"__proto__":{"verified":true}}}');
    // The second path reaches "__proto__" in an object the first path already created.
    const request = await createPresentationRequest({
      clientId: AUDIENCE,
      purpose: { en: 'Member check' },
      credentials: [
        {
          id: 'q',
          format: 'dc+sd-jwt',
          types: [anyClaimsType.definition.vct],
          claims: [
            ['c_3', 'a'],
            ['c_3', '__proto__', 'verified'],
          ],
        },
      ],
    });
    const result = await presentAndVerify(wallet, request);
    expect(result.errors).toEqual([]);
    const c3 = result.claims.c_3 as Record<string, unknown>;
    expect(c3.a).toBe(1);
    expect(Object.getOwnPropertyDescriptor(c3, '__proto__')?.value).toEqual({ verified: true });
  });
});

describe('deep and huge inputs are refused quickly', () => {
  const quick = async (run: () => Promise<unknown>): Promise<void> => {
    expect(await cpuMillisOf(run)).toBeLessThan(2000);
  };

  it('js/deeply-nested-disclosure-value  [CWE-674: 100,000 nested arrays in a disclosure]', async () => {
    const salt = toBase64url(new Uint8Array(16).fill(9));
    const deep = toBase64url(`["${salt}","nested",${'['.repeat(100_000)}${']'.repeat(100_000)}]`);
    await quick(async () => {
      const result = await verifier().verify(
        await issueWith({ credential, agency, holder }, [deep]),
        { nonce: NONCE, audience: AUDIENCE },
      );
      expect(result.verified).toBe(false);
      // Refused while the disclosure is decoded, before any recursive walk (CWE-674).
      expect(result.errors).toContainEqual(
        expect.objectContaining({
          code: 'ERR_SDJWT_DISCLOSURE_MALFORMED',
          message: ERROR_CODES.ERR_INPUT_TOO_DEEP.message,
        }),
      );
    });
  });

  it('js/deeply-nested-request  [CWE-674: 100,000 nested objects in dcql_query]', async () => {
    const text = `{"response_type":"vp_token","dcql_query":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`;
    await quick(async () => {
      expect(() => parsePresentationRequest(JSON.parse(text))).toThrow(
        expect.objectContaining({ code: 'ERR_REQUEST_INVALID' }),
      );
    });
  });

  it('js/ten-thousand-disclosures  [CWE-400: presentations over 1 MB are refused unread]', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) =>
      disclosure(toBase64url(new Uint8Array(16).fill(i % 256)), `claim_${i}`, 'x'.repeat(80)),
    );
    const { jwt } = split(credential);
    const presentation = await withKb(`${jwt}~${many.map((d) => `${d}~`).join('')}`, holder.signer);
    await quick(async () => {
      const result = await verifier().verify(presentation, { nonce: NONCE, audience: AUDIENCE });
      expect(result.errors.map((e) => e.code)).toContain('ERR_SDJWT_MALFORMED');
    });
  });
});
