import { decodeDisclosure, didKeyFromJwk, didKeyMultibase, generateKeyPair, parseSdJwt, sdHash, signerFromJwk, signJwt, TrustList, type JWK } from '@sanad/core';
import { createIssuer, createMemoryIssuerStore, refugeeStatusType } from '@sanad/issuer';
import { createVerifier } from '@sanad/verifier';
const keys = await generateKeyPair('ES256'); const did = didKeyFromJwk(keys.publicJwk);
const issuer = await createIssuer({ store: createMemoryIssuerStore(), signer: await signerFromJwk(keys.privateJwk), issuerId: did, kid: `${did}#${didKeyMultibase(did)}`, statusBaseUrl: 'https://a.example/s', types: [refugeeStatusType] });
const claims = { given_name: 'Amal', family_name: 'Haddad', birthdate: '1994-03-12', nationality: 'SYR', case_number: 'AMM-2026-044817', age_over_18: true };
const POOL = +(process.argv[2] ?? 1500);
const holders = await Promise.all(Array.from({ length: POOL }, () => generateKeyPair('ES256')));
const ps = await Promise.all(holders.map(async (h) => {
  const c = (await issuer.issue({ type: 'refugee-status', claims, holders: [{ did: didKeyFromJwk(h.publicJwk), jwk: h.publicJwk }] })).bundle.credentials[0]!;
  const kept = parseSdJwt(c).disclosures.filter((d) => ['given_name', 'age_over_18'].includes(decodeDisclosure(d).name ?? ''));
  const base = `${c.split('~')[0]}~${kept.map((d) => `${d}~`).join('')}`;
  return base + await signJwt(await signerFromJwk(h.privateJwk as JWK), { typ: 'kb+jwt' }, { nonce: 'n'.repeat(20), aud: 'https://c.example', iat: Math.floor(Date.now() / 1000), sd_hash: sdHash(base) });
}));
const v = createVerifier({ trustList: new TrustList({ type: 'sanad-trust-list', version: 1, issuers: [{ id: did, credential_types: [refugeeStatusType.definition.vct] }] }), offline: true, onStatusUnavailable: 'accept-with-warning' });
const N = +(process.argv[3] ?? 6000); const t = performance.now();
for (let i = 0; i < N; i++) { const r = await v.verify(ps[i % POOL]!, { nonce: 'n'.repeat(20), audience: 'https://c.example' }); if (!r.verified) throw new Error(JSON.stringify(r.errors)); }
console.log(POOL, ((performance.now() - t) / N * 1000).toFixed(1), 'µs/op');
