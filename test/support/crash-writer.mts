// A wallet holder and an issuer that never stop writing; the crash test kills them with SIGKILL.
// Each line on stdout acknowledges an operation that has returned, so must survive any crash.
// Usage (bundled by test/crash/crash.test.ts): node crash-writer.mjs <dir> <passphrase> <wallet-options-json> <issuer-private-jwk-json>
import { join } from 'node:path';
import { didKeyFromJwk, didKeyMultibase, signerFromJwk } from '@sanad/core';
import { createIssuer, openSqliteIssuerStore, refugeeStatusType } from '@sanad/issuer';
import { createPresentationRequest } from '@sanad/verifier';
import { openWallet } from '@sanad/wallet';
import { nodeScrypt, openFileStorage } from '@sanad/wallet/node';

const [dir, passphrase, options, issuerJwk] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
];
const wallet = await openWallet(await openFileStorage(join(dir, 'wallet.json')), passphrase, {
  ...JSON.parse(options),
  kdf: nodeScrypt,
});
const signer = await signerFromJwk(JSON.parse(issuerJwk));
const did = didKeyFromJwk(signer.publicJwk);
const issuer = await createIssuer({
  store: openSqliteIssuerStore(join(dir, 'issuer.sqlite')),
  signer,
  issuerId: did,
  kid: `${did}#${didKeyMultibase(did)}`,
  statusBaseUrl: 'https://agency.example/status',
  types: [refugeeStatusType],
});
const ack = (line: string): boolean => process.stdout.write(`${line}\n`);
process.stdout.on('error', () => process.exit(0)); // the test stopped reading
ack('ready');
const vct = refugeeStatusType.definition.vct;
const claims = {
  given_name: 'Amal',
  family_name: 'Haddad',
  birthdate: '1994-03-12',
  nationality: 'SYR',
  case_number: 'AMM-2026-044817',
  age_over_18: true,
};
for (let round = 0; ; round += 1) {
  const holders = await wallet.createHolderKeys(2);
  ack(`keys ${holders.length}`);
  const { bundle, batchId } = await issuer.issue({ type: 'refugee-status', claims, holders });
  ack(`issued ${batchId}`);
  const { id } = await wallet.import(bundle);
  ack(`imported ${id}`);
  const request = await createPresentationRequest({
    clientId: 'https://clinic.example',
    purpose: { en: 'Adult check' },
    credentials: [{ format: 'dc+sd-jwt', types: [vct], claims: [['age_over_18']] }],
  });
  await wallet.present(
    wallet.decide(
      wallet.propose(request, { choose: { [request.dcql_query.credentials[0]!.id]: id } }),
      { approve: true },
    ),
  );
  ack(`presented ${id}`);
  if (round % 3 === 0) {
    await issuer.revoke(batchId);
    ack(`revoked ${batchId}`);
  }
}
