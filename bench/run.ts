/**
 * `pnpm bench`: Sanad against the physical limit (raw node:crypto) and its peers, in one run,
 * on the same inputs. Prints ops/s, µs/op and ratios; `--json` prints one JSON object.
 * Median of 5 rounds of ~400 ms each. Absolute numbers vary by machine; ratios are the point.
 */
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import QRCode from 'qrcode';
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { createVerifiablePresentationJwt, verifyCredential, verifyPresentation } from 'did-jwt-vc';
import { Resolver } from 'did-resolver';
import { createGuardedHttpFetch, didKeyFromJwk, didKeyMultibase, encodeOfflinePresentation, fromBase64url, generateKeyPair, type JWK, sha256, signerFromJwk, toDidResolverRegistry, TrustList, utf8 } from '@sanad/core';
import { base64urlSigner, createIssuer, createMemoryIssuerStore, refugeeStatusType } from '@sanad/issuer';
import { startSandbox } from '@sanad/server';
import { createMemoryStatusCache, createVerifier, importStatusList } from '@sanad/verifier';
import { createMemoryStorage, createWallet, nodeScrypt } from '@sanad/wallet';

const json = process.argv.includes('--json');
const ROUNDS = 5;
const ROUND_MS = 400;

interface Result {
  name: string;
  opsPerSecond: number;
  microsPerOp: number;
}
const results: Result[] = [];

async function measure(name: string, fn: () => unknown): Promise<Result> {
  for (let i = 0; i < 20; i += 1) await fn(); // warm-up
  const rates: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < ROUND_MS) {
      await fn();
      n += 1;
    }
    rates.push((n * 1000) / (performance.now() - start));
  }
  rates.sort((a, b) => a - b);
  const opsPerSecond = rates[Math.floor(ROUNDS / 2)]!;
  const result = { name, opsPerSecond, microsPerOp: 1e6 / opsPerSecond };
  results.push(result);
  if (!json) process.stderr.write(`  ${name.padEnd(62)} ${opsPerSecond.toFixed(0).padStart(8)} ops/s ${result.microsPerOp.toFixed(1).padStart(9)} µs\n`);
  return result;
}

const CLINIC = 'https://clinic.example';
const NONCE = 'bench-nonce-0123456789abcdef';
const claims = { given_name: 'Amal', family_name: 'Haddad', birthdate: '1994-03-12', nationality: 'SYR', case_number: 'AMM-2026-044817', age_over_18: true };
const hasher = (data: string | ArrayBuffer): Uint8Array => sha256(typeof data === 'string' ? utf8(data) : new Uint8Array(data));

async function agencyWith(alg: 'ES256' | 'EdDSA') {
  const keys = await generateKeyPair(alg);
  const did = didKeyFromJwk(keys.publicJwk);
  const issuer = await createIssuer({ store: createMemoryIssuerStore(), signer: await signerFromJwk(keys.privateJwk), issuerId: did, kid: `${did}#${didKeyMultibase(did)}`, statusBaseUrl: 'https://agency.example/status', types: [refugeeStatusType] });
  return { issuer, did, publicJwk: keys.publicJwk };
}

async function main(): Promise<void> {
  if (!json) process.stderr.write(`Sanad benchmark — Node ${process.version}, ${ROUNDS} rounds of ${ROUND_MS} ms, median\n\nRaw node:crypto (the physical limit)\n`);
  const data = Buffer.from('x'.repeat(600));
  const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const p256Sig = sign('sha256', data, { key: p256.privateKey, dsaEncoding: 'ieee-p1363' });
  const ed = generateKeyPairSync('ed25519');
  const edSig = sign(null, data, ed.privateKey);
  const p256Jwk = p256.publicKey.export({ format: 'jwk' });
  const rawEsSign = await measure('raw ES256 sign', () => sign('sha256', data, { key: p256.privateKey, dsaEncoding: 'ieee-p1363' }));
  const rawEsVerify = await measure('raw ES256 verify', () => verify('sha256', data, { key: p256.publicKey, dsaEncoding: 'ieee-p1363' }, p256Sig));
  const rawEdSign = await measure('raw Ed25519 sign', () => sign(null, data, ed.privateKey));
  const rawEdVerify = await measure('raw Ed25519 verify', () => verify(null, data, ed.publicKey, edSig));
  const rawImport = await measure('raw P-256 JWK import (each cnf.jwk)', () => createPublicKey({ key: p256Jwk, format: 'jwk' }));

  // --- SD-JWT VC -------------------------------------------------------------------------
  if (!json) process.stderr.write('\nSD-JWT VC (ES256, KB-JWT, status from a cached Token Status List)\n');
  const es = await agencyWith('ES256');
  const wallet = await createWallet(createMemoryStorage(), 'bench passphrase', { kdf: nodeScrypt, kdfParams: { N: 2 ** 15, r: 8, p: 1 } });
  const [holder] = await wallet.createHolderKeys(1);
  const issueSd = await measure('Sanad issue SD-JWT VC (schema, 7 SD claims, decoys, status)', () => es.issuer.issue({ type: 'refugee-status', claims, holders: [holder!] }));
  const { bundle } = await es.issuer.issue({ type: 'refugee-status', claims, holders: [holder!] });
  await wallet.import(bundle);
  const request = { response_type: 'vp_token' as const, client_id: CLINIC, nonce: NONCE, purpose: { en: 'bench' }, iat: 0, exp: Math.floor(Date.now() / 1000) + 3600, dcql_query: { credentials: [{ id: 'q', format: 'dc+sd-jwt', meta: { vct_values: [refugeeStatusType.definition.vct] }, claims: [{ path: ['age_over_18'] }] }] } };
  const presentSd = await measure('Sanad wallet present (consent, KB-JWT, encrypted save)', async () => wallet.present(wallet.decide(wallet.propose(request), { approve: true })));
  const presentation = (await wallet.present(wallet.decide(wallet.propose(request), { approve: true }))).vp_token.q![0]!;
  const statusToken = (await es.issuer.publishStatusLists()).find((l) => l.kind === 'token')!.token;
  const statusCache = createMemoryStatusCache();
  await importStatusList(statusCache, statusToken);
  const trustList = new TrustList({ type: 'sanad-trust-list', version: 1, issuers: [{ id: es.did, credential_types: [refugeeStatusType.definition.vct, 'RefugeeStatusCredential'] }] });
  const sanadVerifier = createVerifier({ trustList, statusCache, offline: true });
  const check = await sanadVerifier.verify(presentation, { nonce: NONCE, audience: CLINIC });
  if (!check.verified) throw new Error(`bench presentation does not verify: ${JSON.stringify(check.errors)}`);
  const verifySd = await measure('Sanad verify SD-JWT VC presentation (+ status)', () => sanadVerifier.verify(presentation, { nonce: NONCE, audience: CLINIC }));

  const issuerKey = createPublicKey({ key: es.publicJwk as JWK & { kty: string }, format: 'jwk' });
  const nodeVerifier = async (input: string, sig: string): Promise<boolean> => verify('sha256', Buffer.from(input), { key: issuerKey, dsaEncoding: 'ieee-p1363' }, fromBase64url(sig));
  const peer = new SDJwtVcInstance({
    hasher,
    verifier: nodeVerifier,
    statusVerifier: nodeVerifier,
    statusListFetcher: async () => statusToken,
    kbVerifier: async (input: string, sig: string, payload) =>
      verify('sha256', Buffer.from(input), { key: createPublicKey({ key: payload.cnf!.jwk as JWK & { kty: string }, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, fromBase64url(sig)),
  });
  await peer.verify(presentation, { keyBindingNonce: NONCE } as never);
  const peerSd = await measure('@sd-jwt/sd-jwt-vc verify, same presentation (+ status)', () => peer.verify(presentation, { keyBindingNonce: NONCE } as never));

  // --- VC-JWT / VP-JWT -------------------------------------------------------------------
  if (!json) process.stderr.write('\nVC-JWT in a VP-JWT (Ed25519 did:key, Bitstring status cached)\n');
  const edAgency = await agencyWith('EdDSA');
  const edHolderKeys = await generateKeyPair('EdDSA');
  const edHolder = { did: didKeyFromJwk(edHolderKeys.publicJwk), jwk: edHolderKeys.publicJwk };
  const holderSigner = await signerFromJwk(edHolderKeys.privateJwk);
  const issueVc = await measure('Sanad issue VC-JWT (schema, two status entries)', () => edAgency.issuer.issue({ type: 'refugee-status', format: 'jwt_vc_json', claims, holders: [edHolder] }));
  const vc = (await edAgency.issuer.issue({ type: 'refugee-status', format: 'jwt_vc_json', claims, holders: [edHolder] })).bundle.credentials[0]!;
  const makeVp = () =>
    createVerifiablePresentationJwt(
      { vp: { '@context': ['https://www.w3.org/2018/credentials/v1'], type: ['VerifiablePresentation'], verifiableCredential: [vc] }, nonce: NONCE, aud: CLINIC },
      { did: edHolder.did, signer: base64urlSigner(holderSigner), alg: 'EdDSA' },
      { header: { kid: `${edHolder.did}#${didKeyMultibase(edHolder.did)}` } },
    );
  const presentVp = await measure('VP-JWT creation (did-jwt-vc over a Sanad signer)', makeVp);
  const vp = await makeVp();
  const vcCache = createMemoryStatusCache();
  for (const list of await edAgency.issuer.publishStatusLists()) if (list.kind === 'bitstring') await importStatusList(vcCache, list.token);
  const vcVerifier = createVerifier({ trustList: new TrustList({ type: 'sanad-trust-list', version: 1, issuers: [{ id: edAgency.did, credential_types: ['RefugeeStatusCredential'] }] }), statusCache: vcCache, offline: true });
  const vcCheck = await vcVerifier.verify(vp, { nonce: NONCE, audience: CLINIC });
  if (!vcCheck.verified) throw new Error(`bench VP does not verify: ${JSON.stringify(vcCheck.errors)}`);
  const verifyVp = await measure('Sanad verify VP-JWT + VC-JWT (+ status)', () => vcVerifier.verify(vp, { nonce: NONCE, audience: CLINIC }));
  const resolver = new Resolver(toDidResolverRegistry());
  const peerVp = await measure('did-jwt-vc verifyPresentation + verifyCredential (no status)', async () => {
    const checked = await verifyPresentation(vp, resolver, { challenge: NONCE, audience: CLINIC });
    await verifyCredential(checked.verifiablePresentation.verifiableCredential![0]!.proof.jwt as string, resolver);
  });

  // The services over loopback HTTP (SQLite), driven by the wallet through the OpenID4VC libraries.
  if (!json) process.stderr.write('\nServices over loopback HTTP (SQLite, one process)\n');
  const sandbox = await startSandbox({ dataDir: mkdtempSync(join(tmpdir(), 'sanad-bench-')), port: 0 });
  const fetch = createGuardedHttpFetch({ allowInsecure: true });
  const serviceWallet = await createWallet(createMemoryStorage(), 'bench passphrase 123', { kdf: nodeScrypt, kdfParams: { N: 2 ** 15, r: 8, p: 1 } });
  const httpMetadata = await measure('GET /.well-known/openid-credential-issuer', async () => (await fetch(`${sandbox.issuerUrl}/.well-known/openid-credential-issuer`)).json());
  const httpNonce = await measure('POST /nonce (a c_nonce stored in SQLite)', async () => (await fetch(`${sandbox.issuerUrl}/nonce`, { method: 'POST' })).json());
  const httpIssue = await measure('OpenID4VCI: offer -> token -> nonce -> credential (1 copy)', async () => {
    const offer = await sandbox.createOffer({ type: 'refugee-status', claims });
    await serviceWallet.receive(offer.offerUri, { fetch, txCode: async () => offer.txCode!, copies: 1 });
  });
  const httpPresent = await measure('OpenID4VP: session -> request_uri -> direct_post.jwt -> verified', async () => {
    const session = await sandbox.verifier.createSession({ preset: 'over-18' });
    const opened = await serviceWallet.openRequest(session.authorizationRequest, { fetch });
    await serviceWallet.respond(opened, serviceWallet.decide(serviceWallet.propose(opened.request), { approve: true }), { fetch });
    const { result } = await sandbox.verifier.sessionResult(session.sessionId);
    if (!result?.verified) throw new Error(`bench presentation rejected: ${JSON.stringify(result?.errors)}`);
  });
  await sandbox.close();
  // An offline desk's request: two claims, addressed to the desk's did:key.
  const desk = didKeyFromJwk((await generateKeyPair('ES256')).publicJwk);
  const twoClaims = { ...request, client_id: desk, dcql_query: { credentials: [{ ...request.dcql_query.credentials[0]!, claims: [{ path: ['age_over_18'] }, { path: ['given_name'] }] }] } };
  const offlineQr = encodeOfflinePresentation((await wallet.present(wallet.decide(wallet.propose(twoClaims), { approve: true }))).vp_token.q![0]!);

  const sdLimit = 2 * rawEsVerify.microsPerOp + rawImport.microsPerOp;
  const vpLimit = 2 * rawEdVerify.microsPerOp;
  const ratios = {
    sdJwtVerifyVsRawLimit: verifySd.microsPerOp / sdLimit,
    sdJwtVerifySpeedupVsSdJwtJs: peerSd.microsPerOp / verifySd.microsPerOp,
    vpVerifyVsRawLimit: verifyVp.microsPerOp / vpLimit,
    vpVerifySpeedupVsDidJwtVc: peerVp.microsPerOp / verifyVp.microsPerOp,
    sdJwtIssueVsRawSign: issueSd.microsPerOp / rawEsSign.microsPerOp,
    vcJwtIssueVsRawSign: issueVc.microsPerOp / rawEdSign.microsPerOp,
  };
  const qrVersion = QRCode.create([{ data: offlineQr, mode: 'alphanumeric' }], { errorCorrectionLevel: 'L' }).version;
  const sizes = { sdJwtPresentationBytes: presentation.length, vpJwtBytes: vp.length, statusListJwtBytes: statusToken.length, offlineQrCharacters: offlineQr.length, offlineQrVersion: qrVersion };
  const services = {
    metadataMs: httpMetadata.microsPerOp / 1000,
    nonceMs: httpNonce.microsPerOp / 1000,
    openid4vciIssuanceMs: httpIssue.microsPerOp / 1000,
    openid4vpPresentationMs: httpPresent.microsPerOp / 1000,
  };
  if (json) {
    process.stdout.write(`${JSON.stringify({ node: process.version, results, ratios, sizes, limits: { sdJwtVerifyMicros: sdLimit, vpVerifyMicros: vpLimit }, other: { presentSd: presentSd.microsPerOp, presentVp: presentVp.microsPerOp }, services }, null, 2)}\n`);
    return;
  }
  const line = (label: string, value: string) => process.stdout.write(`  ${label.padEnd(70)} ${value}\n`);
  process.stdout.write('\nRatios (same run)\n');
  line(`SD-JWT VC verify vs raw limit (2 ES256 verifies + 1 key import = ${sdLimit.toFixed(0)} µs)`, `${ratios.sdJwtVerifyVsRawLimit.toFixed(2)}x`);
  line('SD-JWT VC verify: Sanad faster than @sd-jwt/sd-jwt-vc by', `${ratios.sdJwtVerifySpeedupVsSdJwtJs.toFixed(2)}x ${ratios.sdJwtVerifySpeedupVsSdJwtJs > 1 ? '(target met: faster)' : '(TARGET MISSED)'}`);
  line(`VP-JWT + VC-JWT verify vs raw limit (2 Ed25519 verifies = ${vpLimit.toFixed(0)} µs)`, `${ratios.vpVerifyVsRawLimit.toFixed(2)}x`);
  line('VP-JWT + VC-JWT verify: Sanad faster than did-jwt-vc by', `${ratios.vpVerifySpeedupVsDidJwtVc.toFixed(2)}x`);
  line('SD-JWT VC issue vs one raw ES256 sign', `${ratios.sdJwtIssueVsRawSign.toFixed(1)}x`);
  line('VC-JWT issue vs one raw Ed25519 sign', `${ratios.vcJwtIssueVsRawSign.toFixed(1)}x`);
  process.stdout.write(`\nSizes: 1-claim SD-JWT VC presentation ${sizes.sdJwtPresentationBytes} B, VP-JWT ${sizes.vpJwtBytes} B, status list JWT (131,072 entries) ${sizes.statusListJwtBytes} B\n`);
  process.stdout.write(`Offline QR (2-claim SD-JWT VC presentation): ${sizes.offlineQrCharacters} characters, QR version ${sizes.offlineQrVersion} at level L (target <= 25)\n`);
  process.stdout.write(
    `Loopback: metadata GET ${services.metadataMs.toFixed(2)} ms, POST /nonce ${services.nonceMs.toFixed(2)} ms; whole OpenID4VCI issuance ${services.openid4vciIssuanceMs.toFixed(1)} ms, whole OpenID4VP presentation ${services.openid4vpPresentationMs.toFixed(1)} ms\n`,
  );
}

await main();
