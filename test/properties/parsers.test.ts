/**
 * Property-based tests of the other parsers that take untrusted input: trust lists, status
 * lists, presentation requests and wallet files. Mutated valid inputs and arbitrary JSON are
 * either read exactly as the original, or refused with a typed error; nothing else is thrown.
 */
import {
  decodeJwt,
  decodeTokenStatusList,
  didKeyFromJwk,
  generateKeyPair,
  isSanadError,
  loadTrustList,
  parseStatusListJwt,
  signerFromJwk,
  signTrustList,
  type TrustListDocument,
  verifyDecodedJwt,
} from '@sanad/core';
import { createPresentationRequest, parsePresentationRequest } from '@sanad/verifier';
import { createMemoryStorage, createWallet, openWallet } from '@sanad/wallet';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Agency,
  amal,
  makeAgency,
  makeHolder,
  VCT,
  LOW_COST_WALLET as LOW,
} from '../support/fixtures.js';
import { mutated, runs, TYPED_CODE } from './support.js';
import { patient } from '../support/patience.js';

/** Runs `fn`; a throw must be a typed Sanad error. Returns the value, or undefined when refused. */
async function typedOrValue<T>(fn: () => T | Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (!isSanadError(err) || !TYPED_CODE.test(err.code))
      throw new Error(`untyped failure: ${String(err)}`);
    return undefined;
  }
}

const anyJsonText = fc.oneof(
  fc.jsonValue().map((v) => JSON.stringify(v)),
  fc.string(),
  fc.object().map((o) => JSON.stringify(o)),
);

describe('trust lists', () => {
  let authority: string;
  let signed: string;
  let doc: TrustListDocument;
  beforeAll(async () => {
    const keys = await generateKeyPair('ES256');
    authority = didKeyFromJwk(keys.publicJwk);
    doc = {
      type: 'sanad-trust-list',
      version: 1,
      issuers: [
        {
          id: 'did:web:agency.example',
          name: 'Agency',
          credential_types: ['RefugeeStatusCredential'],
        },
        { id: 'did:web:ngo.example', name: 'NGO', credential_types: ['VaccinationCredential'] },
      ],
    };
    signed = await signTrustList(doc, await signerFromJwk(keys.privateJwk));
  });

  it(`a mutated signed list is refused, or is the same list (${runs(1000)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(mutated(signed), async (text) => {
        const loaded = await typedOrValue(() => loadTrustList(text, { pinnedKey: authority }));
        if (loaded) expect(loaded.document).toEqual(doc);
      }),
      { numRuns: runs(1000) },
    );
  });

  it(`arbitrary JSON is refused with typed errors, never thrown raw (${runs(1000)} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        anyJsonText,
        async (text) => void (await typedOrValue(() => loadTrustList(text))),
      ),
      { numRuns: runs(1000) },
    );
  });
});

describe('status lists', () => {
  let agency: Agency;
  let token: string;
  beforeAll(async () => {
    agency = await makeAgency();
    await agency.issuer.issue({
      type: 'refugee-status',
      claims: amal,
      holders: [await makeHolder()],
    });
    token = (await agency.issuer.publishStatusLists()).find((l) => l.kind === 'token')!.token;
  });

  it(`a mutated status list JWT is refused, or reads the same statuses under a valid signature (${runs(1000)} runs)`, async () => {
    const original = parseStatusListJwt(token);
    await fc.assert(
      fc.asyncProperty(mutated(token), async (text) => {
        const parsed = await typedOrValue(() => parseStatusListJwt(text));
        if (!parsed) return;
        const verified = await typedOrValue(
          async () => (
            await verifyDecodedJwt(decodeJwt(text), agency.publicJwk, 'ERR_STATUS_LIST_INVALID'),
            true
          ),
        );
        if (!verified) return;
        expect(parsed.uri).toBe(original.uri);
        for (const i of [0, 1, 2, 100, 1000, original.view.size - 1])
          expect(parsed.view.get(i)).toBe(original.view.get(i));
      }),
      { numRuns: runs(1000) },
    );
  });

  it(`arbitrary status_list claims decode or are refused with typed errors (${runs(1000)} runs)`, async () => {
    const claim = fc.oneof(
      fc.jsonValue(),
      fc.record({
        bits: fc.oneof(fc.constantFrom(1, 2, 4, 8), fc.integer()),
        lst: fc.oneof(
          fc
            .base64String()
            .map((s) => s.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')),
          fc.string(),
        ),
      }),
    );
    await fc.assert(
      fc.asyncProperty(
        claim,
        async (c) => void (await typedOrValue(() => decodeTokenStatusList(c))),
      ),
      { numRuns: runs(1000) },
    );
  });
});

describe('presentation requests', () => {
  it(`mutated and arbitrary requests are read or refused with typed errors (${runs(1000)} runs)`, async () => {
    const request = await createPresentationRequest({
      clientId: 'https://clinic.example',
      purpose: { en: 'Adult check' },
      credentials: [{ format: 'dc+sd-jwt', types: [VCT], claims: [['age_over_18']] }],
    });
    const text = JSON.stringify(request);
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated(text), anyJsonText), async (changed) => {
        let json: unknown;
        try {
          json = JSON.parse(changed);
        } catch {
          return; // not JSON: the CLI reports ERR_INVALID_JSON before the request parser
        }
        const parsed = await typedOrValue(() => parsePresentationRequest(json));
        if (parsed && changed === text) expect(parsed).toEqual(request);
      }),
      { numRuns: runs(1000) },
    );
  });
});

describe('wallet files', () => {
  it(
    `a mutated wallet file is refused with a typed error, or opens to the same wallet (${runs(400)} runs)`,
    async () => {
      const storage = createMemoryStorage();
      const wallet = await createWallet(storage, 'wallet property passphrase', LOW);
      await wallet.createHolderKeys(2);
      const text = new TextDecoder().decode(storage.bytes()!);
      const history = wallet.history();
      await fc.assert(
        fc.asyncProperty(mutated(text), async (changed) => {
          const opened = await typedOrValue(() =>
            openWallet(
              createMemoryStorage(new TextEncoder().encode(changed)),
              'wallet property passphrase',
              LOW,
            ),
          );
          if (opened) {
            expect(opened.list()).toEqual(wallet.list());
            expect(opened.history()).toEqual(history);
          }
        }),
        { numRuns: runs(400) },
      );
    },
    patient(120_000),
  );
});
