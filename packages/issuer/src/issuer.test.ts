import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { verifyCredential } from 'did-jwt-vc';
import { Resolver } from 'did-resolver';
import {
  decodeBitstringStatusList,
  decodeJwt,
  didKeyFromJwk,
  didKeyMultibase,
  fromBase64url,
  generateKeyPair,
  type HolderKey,
  parseSdJwt,
  parseStatusListJwt,
  processSdJwtPayload,
  signerFromJwk,
  toDidResolverRegistry,
  utf8,
  verifyDecodedJwt,
  verifySignature,
  sha256,
} from '@sanad/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createIssuer, type Issuer, type IssuerStore } from './index.js';
import { refugeeStatusType } from './refugee-status.js';
import { createMemoryIssuerStore } from './store/memory-store.js';
import { openSqliteIssuerStore } from './store/sqlite-store.js';

const claims = {
  given_name: 'Amal',
  family_name: 'Haddad',
  birthdate: '1994-03-12',
  nationality: 'SYR',
  case_number: 'AMM-2026-044817',
  age_over_18: true,
};

async function holders(n: number): Promise<HolderKey[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const { publicJwk } = await generateKeyPair();
      return { did: didKeyFromJwk(publicJwk), jwk: publicJwk };
    }),
  );
}

async function setup(
  store: IssuerStore = createMemoryIssuerStore(),
  statusListSize?: number,
): Promise<{
  issuer: Issuer;
  publicJwk: Awaited<ReturnType<typeof generateKeyPair>>['publicJwk'];
}> {
  const keys = await generateKeyPair();
  const did = didKeyFromJwk(keys.publicJwk);
  const issuer = await createIssuer({
    store,
    signer: await signerFromJwk(keys.privateJwk),
    issuerId: did,
    kid: `${did}#${didKeyMultibase(did)}`,
    statusBaseUrl: 'https://agency.example/status',
    types: [refugeeStatusType],
    ...(statusListSize ? { statusListSize } : {}),
  });
  return { issuer, publicJwk: keys.publicJwk };
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('SD-JWT VC issuance', () => {
  it('issues copies that verify in @sd-jwt/sd-jwt-vc and carry cnf, vct, status and every claim', async () => {
    const { issuer, publicJwk } = await setup();
    const { bundle, records } = await issuer.issue({
      type: 'refugee-status',
      claims,
      holders: await holders(3),
    });
    expect(bundle.credentials).toHaveLength(3);
    expect(bundle.metadata.vct).toBe(refugeeStatusType.definition.vct);
    const verifier = (data: string, sig: string): Promise<boolean> =>
      verifySignature(publicJwk, 'ES256', utf8(data), fromBase64url(sig));
    const statusList = (await issuer.publishStatusLists()).find((l) => l.kind === 'token')!.token;
    const sdjwt = new SDJwtVcInstance({
      hasher: (data: string | ArrayBuffer) =>
        sha256(typeof data === 'string' ? utf8(data) : new Uint8Array(data)),
      verifier,
      statusVerifier: verifier,
      statusListFetcher: async () => statusList,
    });
    for (const [i, credential] of bundle.credentials.entries()) {
      const { payload, header } = await sdjwt.verify(credential);
      expect(header?.typ).toBe('dc+sd-jwt');
      expect(payload).toMatchObject({
        ...claims,
        iss: issuer.issuerId,
        vct: refugeeStatusType.definition.vct,
      });
      expect(payload.status?.status_list.idx).toBe(records[i]!.index);
    }
  });

  it('makes batch copies unlinkable: distinct salts, digests, holder keys and status indexes', async () => {
    const { issuer } = await setup();
    const { bundle, records } = await issuer.issue({
      type: 'refugee-status',
      claims,
      holders: await holders(4),
    });
    const parsed = bundle.credentials.map(parseSdJwt);
    const allDisclosures = parsed.flatMap((p) => p.disclosures);
    expect(new Set(allDisclosures).size).toBe(allDisclosures.length);
    const digests = parsed.flatMap((p) => p.jwt.payload._sd as string[]);
    expect(new Set(digests).size).toBe(digests.length);
    expect(new Set(parsed.map((p) => JSON.stringify(p.jwt.payload.cnf))).size).toBe(4);
    expect(new Set(records.map((r) => `${r.listId}:${r.index}`)).size).toBe(4);
    // Every disclosable claim is a disclosure (7 claims here, all SD), plus decoy digests.
    for (const p of parsed) {
      expect(p.disclosures).toHaveLength(6);
      expect((p.jwt.payload._sd as string[]).length).toBeGreaterThan(6);
      expect(processSdJwtPayload(p.jwt.payload, p.disclosures).claims).toMatchObject(claims);
    }
  });

  it('uses 128-bit salts', async () => {
    const { issuer } = await setup();
    const { bundle } = await issuer.issue({
      type: 'refugee-status',
      claims,
      holders: await holders(1),
    });
    const [encoded] = parseSdJwt(bundle.credentials[0]!).disclosures;
    const [salt] = JSON.parse(new TextDecoder().decode(fromBase64url(encoded!))) as [string];
    expect(fromBase64url(salt).length).toBe(16);
  });

  it('refuses claims that do not match the schema, naming the field and not the value', async () => {
    const { issuer } = await setup();
    const bad = { ...claims, birthdate: 'twelfth of March', nationality: 'Syria-secret' };
    const err = await issuer
      .issue({ type: 'refugee-status', claims: bad, holders: await holders(1) })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_CLAIMS_SCHEMA_MISMATCH' });
    expect((err as Error).message).toContain('/birthdate');
    expect((err as Error).message).not.toContain('Syria-secret');
    await expect(
      issuer.issue({
        type: 'refugee-status',
        claims: { ...claims, extra: 1 },
        holders: await holders(1),
      }),
    ).rejects.toMatchObject({ code: 'ERR_CLAIMS_SCHEMA_MISMATCH' });
  });

  it('refuses unknown types, missing holders and private holder keys', async () => {
    const { issuer } = await setup();
    await expect(
      issuer.issue({ type: 'nope', claims, holders: await holders(1) }),
    ).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_TYPE_UNKNOWN' });
    await expect(
      issuer.issue({ type: 'refugee-status', claims, holders: [] }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    const { privateJwk } = await generateKeyPair();
    await expect(
      issuer.issue({
        type: 'refugee-status',
        claims,
        holders: [{ did: 'did:x', jwk: privateJwk }],
      }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
  });
});

describe('VC-JWT issuance', () => {
  it('issues a VC-JWT that did-jwt-vc verifies, bound to the holder DID, with two Bitstring entries', async () => {
    const { issuer } = await setup();
    const [holder] = await holders(1);
    const { bundle } = await issuer.issue({
      type: 'refugee-status',
      format: 'jwt_vc_json',
      claims,
      holders: [holder!],
    });
    const verified = await verifyCredential(
      bundle.credentials[0]!,
      new Resolver(toDidResolverRegistry()),
    );
    expect(verified.payload.sub).toBe(holder!.did);
    expect(verified.verifiableCredential.credentialSubject).toMatchObject(claims);
    const status = (verified.payload.vc as { credentialStatus: Array<{ statusPurpose: string }> })
      .credentialStatus;
    expect(status.map((s) => s.statusPurpose)).toEqual(['revocation', 'suspension']);
  });
});

describe('status', () => {
  it('allocates random, distinct indexes (not in issuance order)', async () => {
    const { issuer } = await setup();
    const { records } = await issuer.issue({
      type: 'refugee-status',
      claims,
      holders: await holders(20),
    });
    const indexes = records.map((r) => r.index);
    expect(new Set(indexes).size).toBe(20);
    expect([...indexes].sort((a, b) => a - b)).not.toEqual(indexes);
  });

  it('opens a new list when one is full', async () => {
    const { issuer } = await setup(createMemoryIssuerStore(), 8);
    const { records } = await issuer.issue({
      type: 'refugee-status',
      claims,
      holders: await holders(10),
    });
    expect(records.filter((r) => r.listId === 1)).toHaveLength(8);
    expect(records.filter((r) => r.listId === 2)).toHaveLength(2);
  });

  it('revokes a batch, suspends and reinstates, and the signed lists say so', async () => {
    const { issuer, publicJwk } = await setup();
    const a = await issuer.issue({ type: 'refugee-status', claims, holders: await holders(2) });
    const b = await issuer.issue({ type: 'refugee-status', claims, holders: await holders(1) });
    const c = await issuer.issue({
      type: 'refugee-status',
      format: 'jwt_vc_json',
      claims,
      holders: await holders(1),
    });
    await issuer.revoke(a.batchId);
    await issuer.suspend(b.records[0]!.id);
    await issuer.revoke(c.records[0]!.id);
    const lists = await issuer.publishStatusLists();
    const tsl = lists.find((l) => l.kind === 'token')!;
    const parsed = parseStatusListJwt(tsl.token);
    await verifyDecodedJwt(parsed.jwt, publicJwk, 'ERR_STATUS_LIST_INVALID');
    // Below the register's own id, so no other register can publish at this URL.
    expect(parsed.uri).toMatch(/^https:\/\/agency\.example\/status\/[a-z2-7]{8}\/tsl\/1$/);
    expect(tsl.path).toBe(new URL(parsed.uri).pathname.slice('/status/'.length));
    expect(a.records.map((r) => parsed.view.get(r.index))).toEqual([1, 1]);
    expect(parsed.view.get(b.records[0]!.index)).toBe(2);
    const revocation = lists.find((l) => l.kind === 'bitstring' && l.path.endsWith('/revocation'))!;
    const vc = decodeJwt(revocation.token).payload.vc as {
      credentialSubject: { encodedList: string };
    };
    expect(
      decodeBitstringStatusList(vc.credentialSubject.encodedList).get(c.records[0]!.index),
    ).toBe(1);

    await issuer.reinstate(b.records[0]!.id);
    const again = parseStatusListJwt(
      (await issuer.publishStatusLists()).find((l) => l.kind === 'token')!.token,
    );
    expect(again.view.get(b.records[0]!.index)).toBe(0);
  });

  it('gives the Token Status List a positive ttl (default an hour) and refuses 0 or a fraction', async () => {
    const { issuer } = await setup();
    await issuer.issue({ type: 'refugee-status', claims, holders: await holders(1) });
    const tsl = (await issuer.publishStatusLists()).find((l) => l.kind === 'token')!;
    expect(parseStatusListJwt(tsl.token).ttl).toBe(3600);
    const keys = await generateKeyPair();
    const did = didKeyFromJwk(keys.publicJwk);
    for (const statusListTtlSeconds of [0, -1, 1.5])
      await expect(
        createIssuer({
          store: createMemoryIssuerStore(),
          signer: await signerFromJwk(keys.privateJwk),
          issuerId: did,
          kid: `${did}#${didKeyMultibase(did)}`,
          statusBaseUrl: 'https://agency.example/status',
          types: [refugeeStatusType],
          statusListTtlSeconds,
        }),
      ).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
  });

  it('refuses invalid transitions and unknown ids', async () => {
    const { issuer } = await setup();
    const { batchId } = await issuer.issue({
      type: 'refugee-status',
      claims,
      holders: await holders(1),
    });
    await issuer.revoke(batchId);
    await expect(issuer.reinstate(batchId)).rejects.toMatchObject({
      code: 'ERR_STATUS_TRANSITION_INVALID',
    });
    await expect(issuer.suspend(batchId)).rejects.toMatchObject({
      code: 'ERR_STATUS_TRANSITION_INVALID',
    });
    await expect(issuer.revoke('urn:uuid:unknown')).rejects.toMatchObject({
      code: 'ERR_CREDENTIAL_NOT_FOUND',
    });
  });
});

describe('status-list URLs and key rotation', () => {
  const tokenList = async (issuer: Issuer) =>
    parseStatusListJwt((await issuer.publishStatusLists()).find((l) => l.kind === 'token')!.token);

  it('gives two registers on one status base URL different status-list URLs', async () => {
    const [a, b] = await Promise.all([setup(), setup()]);
    await a.issuer.issue({ type: 'refugee-status', claims, holders: await holders(1) });
    await b.issuer.issue({ type: 'refugee-status', claims, holders: await holders(1) });
    expect((await tokenList(a.issuer)).uri).not.toBe((await tokenList(b.issuer)).uri);
  });

  it('keeps the paths of a register made before register ids (tsl/1), so credentials already issued stay checkable', async () => {
    const store = createMemoryIssuerStore();
    const keys = await generateKeyPair();
    const did = didKeyFromJwk(keys.publicJwk);
    await store.saveSettings({
      issuerId: did,
      kid: `${did}#${didKeyMultibase(did)}`,
      alg: 'ES256',
      statusBaseUrl: 'https://agency.example/status',
    });
    const issuer = await createIssuer({
      store,
      signer: await signerFromJwk(keys.privateJwk),
      issuerId: did,
      kid: `${did}#${didKeyMultibase(did)}`,
      statusBaseUrl: 'https://agency.example/status',
      types: [refugeeStatusType],
    });
    await issuer.issue({ type: 'refugee-status', claims, holders: await holders(1) });
    expect((await tokenList(issuer)).uri).toBe('https://agency.example/status/tsl/1');
  });

  it('after a key rotation signs each list with the key that signed its credentials, and revokes both', async () => {
    const store = createMemoryIssuerStore();
    const { issuer: before, publicJwk: oldJwk } = await setup(store);
    const old = await before.issue({ type: 'refugee-status', claims, holders: await holders(1) });
    const next = await generateKeyPair();
    const nextDid = didKeyFromJwk(next.publicJwk);
    const nextKid = `${nextDid}#${didKeyMultibase(nextDid)}`;
    await store.rotateKey(
      { issuerId: nextDid, kid: nextKid, alg: 'ES256' },
      new Date().toISOString(),
    );
    // The old key's own register now refuses to issue with it.
    await expect(
      createIssuer({
        store,
        signer: before.signer,
        issuerId: before.issuerId,
        kid: before.kid,
        statusBaseUrl: 'https://agency.example/status',
        types: [refugeeStatusType],
      }),
    ).rejects.toMatchObject({ code: 'ERR_ISSUER_KEY_MISMATCH' });
    const options = {
      store,
      signer: await signerFromJwk(next.privateJwk),
      issuerId: nextDid,
      kid: nextKid,
      statusBaseUrl: 'https://agency.example/status',
      types: [refugeeStatusType],
    };
    const withoutOldKey = await createIssuer(options);
    await expect(withoutOldKey.publishStatusLists()).rejects.toMatchObject({
      code: 'ERR_RETIRED_KEY_MISSING',
    });
    const after = await createIssuer({
      ...options,
      retiredSigners: [{ issuerId: before.issuerId, kid: before.kid, signer: before.signer }],
    });
    const fresh = await after.issue({ type: 'refugee-status', claims, holders: await holders(1) });
    expect(decodeJwt(fresh.bundle.credentials[0]!.split('~')[0]!).payload.iss).toBe(nextDid);
    await after.revoke(old.batchId);
    await after.revoke(fresh.batchId);
    const lists = (await after.publishStatusLists())
      .filter((l) => l.kind === 'token')
      .map((l) => parseStatusListJwt(l.token));
    expect(lists).toHaveLength(2);
    const oldList = lists.find((l) => l.issuer === before.issuerId)!;
    const newList = lists.find((l) => l.issuer === nextDid)!;
    await verifyDecodedJwt(oldList.jwt, oldJwk, 'ERR_STATUS_LIST_INVALID');
    await verifyDecodedJwt(newList.jwt, next.publicJwk, 'ERR_STATUS_LIST_INVALID');
    expect(oldList.view.get(old.records[0]!.index)).toBe(1);
    expect(newList.view.get(fresh.records[0]!.index)).toBe(1);
  });
});

describe('revoking everything a compromised key signed', () => {
  it("finds the retired key's credentials through its lists, revokes them in chunks, and lists the batches to issue again", async () => {
    const store = createMemoryIssuerStore();
    const { issuer: before } = await setup(store, 4);
    const valid = await before.issue({ type: 'refugee-status', claims, holders: await holders(3) }); // fills two lists of 4
    const suspended = await before.issue({
      type: 'refugee-status',
      claims,
      holders: await holders(1),
    });
    const revoked = await before.issue({
      type: 'refugee-status',
      claims,
      holders: await holders(1),
    });
    const expired = await before.issue({
      type: 'refugee-status',
      claims,
      holders: await holders(1),
      validFrom: new Date(Date.now() - 2 * 86_400_000),
      validUntil: new Date(Date.now() - 86_400_000),
    });
    const vcJwt = await before.issue({
      type: 'refugee-status',
      format: 'jwt_vc_json',
      claims,
      holders: await holders(1),
    });
    await before.suspend(suspended.batchId);
    await before.revoke(revoked.batchId);
    const next = await generateKeyPair();
    const nextDid = didKeyFromJwk(next.publicJwk);
    const nextKid = `${nextDid}#${didKeyMultibase(nextDid)}`;
    await store.rotateKey(
      { issuerId: nextDid, kid: nextKid, alg: 'ES256' },
      new Date().toISOString(),
    );
    const after = await createIssuer({
      store,
      signer: await signerFromJwk(next.privateJwk),
      issuerId: nextDid,
      kid: nextKid,
      statusBaseUrl: 'https://agency.example/status',
      types: [refugeeStatusType],
      statusListSize: 4,
      retiredSigners: [{ issuerId: before.issuerId, kid: before.kid, signer: before.signer }],
    });
    const fresh = await after.issue({ type: 'refugee-status', claims, holders: await holders(1) });

    await expect(after.planKeyRevocation(nextDid)).rejects.toMatchObject({
      code: 'ERR_INVALID_INPUT',
    });
    await expect(after.planKeyRevocation('did:key:zUnknown')).rejects.toMatchObject({
      code: 'ERR_INVALID_INPUT',
    });
    const plan = await after.planKeyRevocation(before.kid); // a key id names its DID
    expect(plan).toMatchObject({ issuerId: before.issuerId, alreadyRevoked: 1 });
    expect(plan.credentialIds).toHaveLength(3 + 1 + 1 + 1);
    expect(plan.lists.map((l) => l.kind).sort()).toEqual([
      'bitstring',
      'bitstring',
      'token',
      'token',
    ]);
    // Ordered by issue time; batches issued in the same millisecond fall back to their random ids.
    const byId = (a: unknown[], b: unknown[]) => String(a[0]).localeCompare(String(b[0]));
    expect(plan.reissue.map((b) => [b.batchId, b.copies, b.statusBefore]).sort(byId)).toEqual(
      [
        [valid.batchId, 3, 'valid'],
        [suspended.batchId, 1, 'suspended'],
        [vcJwt.batchId, 1, 'valid'],
      ].sort(byId),
    );
    const times = plan.reissue.map((b) => b.issuedAt);
    expect(times).toEqual([...times].sort());
    expect(plan.reissue.map((b) => b.batchId)).not.toContain(expired.batchId);

    const progress: number[] = [];
    expect(await after.revokePlanned(plan, { onProgress: (done) => progress.push(done) })).toBe(6);
    expect(progress.at(-1)).toBe(6);
    const statuses = new Map((await after.listCredentials()).map((c) => [c.batchId, c.status]));
    for (const batch of [valid, suspended, revoked, expired, vcJwt])
      expect(statuses.get(batch.batchId)).toBe('revoked');
    expect(statuses.get(fresh.batchId)).toBe('valid');
    // Run again (after a stop): nothing is left to revoke and nobody is listed twice.
    expect(await after.planKeyRevocation(before.issuerId)).toMatchObject({
      credentialIds: [],
      alreadyRevoked: 7,
      reissue: [],
    });
  });
});

describe('the register keeps no claim values', () => {
  it('stores only ids, types, positions and dates in the SQLite file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sanad-issuer-'));
    dirs.push(dir);
    const store = openSqliteIssuerStore(join(dir, 'issuer.sqlite'));
    const { issuer } = await setup(store);
    await issuer.issue({ type: 'refugee-status', claims, holders: await holders(5) });
    await issuer.issue({
      type: 'refugee-status',
      format: 'jwt_vc_json',
      claims,
      holders: await holders(1),
    });
    expect(await issuer.listCredentials()).toHaveLength(6);
    await store.close();
    const bytes = ['issuer.sqlite', 'issuer.sqlite-wal']
      .map((f) => {
        try {
          return readFileSync(join(dir, f)).toString('latin1');
        } catch {
          return '';
        }
      })
      .join('');
    for (const value of ['Amal', 'Haddad', '1994-03-12', 'AMM-2026-044817', 'SYR'])
      expect(bytes).not.toContain(value);
    expect(bytes).toContain('refugee-status');
  });
});
