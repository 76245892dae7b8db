/** `sanad trust-list …`: the issuers a verifier trusts, optionally signed by an authority. */
import type { Command } from 'commander';
import {
  type JWK,
  checkDid,
  isSanadError,
  loadTrustList,
  parseTrustList,
  SanadError,
  signerFromJwk,
  signTrustList,
  type TrustListDocument,
} from '@sanad/core';
import { certificateBase64, parseCertificate } from '@sanad/core/x509';
import { action } from '../command.js';
import { readInput, readJson, writeOutput } from '../io.js';
import {
  authorityKey,
  collect,
  pinnedKeyOption,
  readOrCreate,
  registerAuthorityKeygen,
  stamped,
} from './authority.js';

const EMPTY: TrustListDocument = { type: 'sanad-trust-list', version: 1, issuers: [] };

/** Refuses an issuer identifier verifiers could not use, saying why. */
function checkIssuerId(id: string, hasJwks: boolean): void {
  if (id.startsWith('did:')) {
    try {
      checkDid(id);
    } catch (err) {
      if (!isSanadError(err)) throw err;
      throw new SanadError(
        err.code === 'ERR_UNSUPPORTED_ALGORITHM' ? 'ERR_DID_METHOD_UNSUPPORTED' : err.code,
        `--issuer is not a usable DID: ${err.message}`,
        { cause: err },
      );
    }
    const method = id.split(':')[1];
    if (!hasJwks && method !== 'key' && method !== 'jwk' && method !== 'web') {
      throw new SanadError(
        'ERR_DID_METHOD_UNSUPPORTED',
        `Sanad resolves did:key, did:jwk and did:web; for did:${method} give the issuer's keys with --jwks <file>.`,
      );
    }
    return;
  }
  if (!/^https:\/\/[^\s/?#]+(\/[^\s?#]*)?$/.test(id))
    throw new SanadError(
      'ERR_INVALID_INPUT',
      '--issuer must be a DID (did:key, did:jwk, did:web) or an https issuer URL.',
    );
  // Without --jwks, verifiers fetch the keys from the issuer's JWT VC Issuer Metadata.
}

export function registerTrustListCommands(program: Command): void {
  const trust = program
    .command('trust-list')
    .description('manage a trust list (verifier, trust-list authority)');

  registerAuthorityKeygen(trust, {
    signs: 'trust lists',
    pinnedBy: 'Verifiers',
    pinOption: '--pinned-key',
  });

  action<{
    file: string;
    issuer: string;
    type: string[];
    name?: string;
    jwks?: string;
    expires?: string;
  }>(
    trust
      .command('add')
      .description('add or update a trusted issuer (creates the file if needed)')
      .requiredOption('--file <trust.json>', 'the trust list')
      .requiredOption('--issuer <id>', 'issuer DID (did:key, did:jwk, did:web) or https URL')
      .requiredOption('--type <type>', 'a vct or VC type it may issue (repeatable)', collect)
      .option('--name <text>', 'display name, shown to staff at the desk')
      .option(
        '--jwks <file>',
        'the issuer JWKS, pinned (an https issuer without it: fetched from its metadata)',
      )
      .option(
        '--expires <date|duration>',
        'set expires_at: an ISO 8601 date or date-time, or 24h, 90d, 12w from now',
      ),
    async (o, out) => {
      checkIssuerId(o.issuer, o.jwks !== undefined);
      const doc = await readOrCreate(o.file, parseTrustList, EMPTY);
      const entry = {
        id: o.issuer,
        ...(o.name ? { name: o.name } : {}),
        credential_types: o.type,
        ...(o.jwks ? { jwks: (await readJson(o.jwks)) as { keys: JWK[] } } : {}),
      };
      const updated = stamped(
        { ...doc, issuers: [...doc.issuers.filter((i) => i.id !== o.issuer), entry] },
        o.expires,
        parseTrustList,
      );
      await writeOutput(o.file, JSON.stringify(updated, null, 2));
      out.result(
        {
          file: o.file,
          issuers: updated.issuers.length,
          issued_at: updated.issued_at,
          ...(updated.expires_at ? { expires_at: updated.expires_at } : {}),
        },
        () =>
          `${o.name ?? o.issuer} is trusted for ${o.type.join(', ')} (${o.file}${updated.expires_at ? `, expires ${updated.expires_at}` : ''}).`,
      );
    },
  );

  action<{ file: string; certificate: string; type: string[]; name?: string; expires?: string }>(
    trust
      .command('add-anchor')
      .description(
        'add or update an X.509 trust anchor: issuers whose certificate chains lead to it are trusted for these types',
      )
      .requiredOption('--file <trust.json>', 'the trust list')
      .requiredOption('--certificate <file>', 'the CA certificate (PEM or base64 DER)')
      .requiredOption(
        '--type <type>',
        'a vct or VC type its issuers may issue (repeatable)',
        collect,
      )
      .option('--name <text>', 'display name, shown to staff at the desk')
      .option(
        '--expires <date|duration>',
        'set expires_at: an ISO 8601 date or date-time, or 24h, 90d, 12w from now',
      ),
    async (o, out) => {
      const certificate = certificateBase64(await readInput(o.certificate));
      const ca = parseCertificate(certificate);
      if (!ca.isCa)
        throw new SanadError(
          'ERR_X509_CERTIFICATE_INVALID',
          `${o.certificate} is not a CA certificate: a trust anchor must be one.`,
        );
      const doc = await readOrCreate(o.file, parseTrustList, EMPTY);
      const entry = {
        ...(o.name ? { name: o.name } : {}),
        certificate,
        credential_types: o.type,
      };
      const updated = stamped(
        {
          ...doc,
          trust_anchors: [
            ...(doc.trust_anchors ?? []).filter((a) => a.certificate !== certificate),
            entry,
          ],
        },
        o.expires,
        parseTrustList,
      );
      await writeOutput(o.file, JSON.stringify(updated, null, 2));
      out.result(
        {
          file: o.file,
          trust_anchors: updated.trust_anchors!.length,
          not_after: ca.notAfter.toISOString(),
          issued_at: updated.issued_at,
        },
        () =>
          `Certificates issued under "${o.name ?? ca.subjectName}" are trusted for ${o.type.join(', ')} (${o.file}; the CA certificate is valid until ${ca.notAfter.toISOString()}).`,
      );
    },
  );

  action<{ file: string; certificate: string }>(
    trust
      .command('remove-anchor')
      .description('remove an X.509 trust anchor (a compromised or retired CA)')
      .requiredOption('--file <trust.json>', 'the trust list')
      .requiredOption('--certificate <file>', 'the CA certificate (PEM or base64 DER)'),
    async (o, out) => {
      const certificate = certificateBase64(await readInput(o.certificate));
      const doc = parseTrustList(await readJson(o.file));
      const anchors = doc.trust_anchors ?? [];
      if (!anchors.some((a) => a.certificate === certificate))
        throw new SanadError(
          'ERR_INVALID_INPUT',
          `That certificate is not an anchor in ${o.file}.`,
        );
      const updated = stamped(
        { ...doc, trust_anchors: anchors.filter((a) => a.certificate !== certificate) },
        undefined,
        parseTrustList,
      );
      await writeOutput(o.file, JSON.stringify(updated, null, 2));
      out.result(
        { file: o.file, trust_anchors: updated.trust_anchors!.length },
        () =>
          `Removed the anchor; ${updated.trust_anchors!.length} left in ${o.file}. Sign and publish the list again.`,
      );
    },
  );

  action<{ file: string; issuer: string }>(
    trust
      .command('remove')
      .description('remove a trusted issuer (key compromise, an agency closed)')
      .requiredOption('--file <trust.json>', 'the trust list')
      .requiredOption('--issuer <id>', 'the issuer identifier to remove'),
    async (o, out) => {
      const doc = parseTrustList(await readJson(o.file));
      if (!doc.issuers.some((i) => i.id === o.issuer))
        throw new SanadError('ERR_INVALID_INPUT', `No issuer with that identifier in ${o.file}.`);
      const updated = stamped(
        { ...doc, issuers: doc.issuers.filter((i) => i.id !== o.issuer) },
        undefined,
        parseTrustList,
      );
      await writeOutput(o.file, JSON.stringify(updated, null, 2));
      out.result(
        { file: o.file, issuers: updated.issuers.length, issued_at: updated.issued_at },
        () => `${o.issuer} removed from ${o.file}; sign and distribute the list again.`,
      );
    },
  );

  action<{ file: string; key: string; out: string; expires?: string }>(
    trust
      .command('sign')
      .description('sign a trust list as a trust-list authority (issued_at set to now)')
      .requiredOption('--file <trust.json>', 'the trust list')
      .requiredOption(
        '--key <file>',
        "the authority's private JWK (from `sanad trust-list keygen`)",
      )
      .requiredOption('--out <file>', 'the signed list (compact JWS)')
      .option(
        '--expires <date|duration>',
        'set expires_at in the signed list: an ISO 8601 date or date-time, or 24h, 90d, 12w from now',
      ),
    async (o, out) => {
      const key = await authorityKey(o.key);
      const doc = stamped(parseTrustList(await readJson(o.file)), o.expires, parseTrustList);
      const jws = await signTrustList(doc, await signerFromJwk(key));
      await writeOutput(o.out, jws);
      out.result(
        {
          out: o.out,
          issued_at: doc.issued_at,
          ...(doc.expires_at ? { expires_at: doc.expires_at } : {}),
          issuers: doc.issuers.length,
        },
        () =>
          `Signed trust list written to ${o.out}: ${doc.issuers.length} issuer${doc.issuers.length === 1 ? '' : 's'}, issued ${doc.issued_at}, ${doc.expires_at ? `expires ${doc.expires_at}` : 'no expiry (give --expires)'}.`,
      );
    },
  );

  action<{ file: string; pinnedKey?: string }>(
    trust
      .command('show')
      .description('check and print a trust list')
      .requiredOption('--file <file>', 'trust.json or a signed trust list')
      .option('--pinned-key <jwk-file|did>', 'the authority key to check the signature'),
    async (o, out) => {
      const pinnedKey = await pinnedKeyOption(o.pinnedKey);
      const list = await loadTrustList(await readInput(o.file), pinnedKey ? { pinnedKey } : {});
      out.result({ signed: list.signed, ...list.document }, () =>
        [
          `Trust list${list.signed ? ' (signature checked)' : ' (unsigned)'}${list.document.issued_at ? `, issued ${list.document.issued_at}` : ''}${list.document.expires_at ? `, expires ${list.document.expires_at}` : ''}`,
          ...list.document.issuers.map(
            (i) =>
              `  ${i.name ?? i.id}\n    ${i.id}\n    may issue: ${i.credential_types.join(', ')}`,
          ),
        ].join('\n'),
      );
    },
  );
}
