/** `sanad trust-list …`: the issuers a verifier trusts, optionally signed by an authority. */
import type { Command } from 'commander';
import { type JWK, loadTrustList, parseTrustList, SanadError, signerFromJwk, signTrustList, type TrustListDocument, tryParseJson } from '@sanad/core';
import { action } from '../command.js';
import { readInput, readJson, writeOutput } from '../io.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A pinned trust-list authority key: a did:key / did:jwk, or a JWK file. */
export async function pinnedKeyOption(value: string | undefined): Promise<JWK | string | undefined> {
  if (value === undefined) return undefined;
  if (value.startsWith('did:')) return value;
  const jwk = await readJson(value);
  if (typeof jwk !== 'object' || jwk === null) throw new SanadError('ERR_INVALID_KEY', `${value} is not a JWK.`);
  return jwk as JWK;
}

export function registerTrustListCommands(program: Command): void {
  const trust = program.command('trust-list').description('manage a trust list (verifier)');

  action<{ file: string; issuer: string; type: string[]; name?: string; jwks?: string }>(
    trust
      .command('add')
      .description('add or update a trusted issuer (creates the file if needed)')
      .requiredOption('--file <trust.json>', 'the trust list')
      .requiredOption('--issuer <id>', 'issuer DID or https URL')
      .requiredOption('--type <type>', 'a vct or VC type it may issue (repeatable)', collect)
      .option('--name <text>', 'display name')
      .option('--jwks <file>', 'the issuer JWKS (required for https issuers)'),
    async (o, out) => {
      let doc: TrustListDocument;
      try {
        doc = parseTrustList(tryParseJson(await readInput(o.file)));
      } catch (err) {
        if (!(err instanceof SanadError) || err.code !== 'ERR_FILE_NOT_FOUND') throw err;
        doc = { type: 'sanad-trust-list', version: 1, issued_at: new Date().toISOString(), issuers: [] };
      }
      const entry = { id: o.issuer, ...(o.name ? { name: o.name } : {}), credential_types: o.type, ...(o.jwks ? { jwks: (await readJson(o.jwks)) as { keys: JWK[] } } : {}) };
      doc = parseTrustList({ ...doc, issuers: [...doc.issuers.filter((i) => i.id !== o.issuer), entry] });
      await writeOutput(o.file, JSON.stringify(doc, null, 2));
      out.result({ file: o.file, issuers: doc.issuers.length }, () => `${o.issuer} is trusted for ${o.type.join(', ')} (${o.file}).`);
    },
  );

  action<{ file: string; key: string; out: string }>(
    trust
      .command('sign')
      .description('sign a trust list as a trust-list authority')
      .requiredOption('--file <trust.json>', 'the trust list')
      .requiredOption('--key <file>', "the authority's private JWK")
      .requiredOption('--out <file>', 'the signed list (compact JWS)'),
    async (o, out) => {
      const doc = parseTrustList(await readJson(o.file));
      const jws = await signTrustList(doc, await signerFromJwk((await readJson(o.key)) as JWK));
      await writeOutput(o.out, jws);
      out.result({ out: o.out }, () => `Signed trust list written to ${o.out}.`);
    },
  );

  action<{ file: string; pinnedKey?: string }>(
    trust.command('show').description('check and print a trust list').requiredOption('--file <file>', 'trust.json or a signed trust list').option('--pinned-key <jwk-file|did>', 'the authority key to check the signature'),
    async (o, out) => {
      const pinnedKey = await pinnedKeyOption(o.pinnedKey);
      const list = await loadTrustList(await readInput(o.file), pinnedKey ? { pinnedKey } : {});
      out.result({ signed: list.signed, ...list.document }, () =>
        [`Trust list${list.signed ? ' (signature checked)' : ' (unsigned)'}${list.document.expires_at ? `, expires ${list.document.expires_at}` : ''}`, ...list.document.issuers.map((i) => `  ${i.name ?? i.id}\n    ${i.id}\n    may issue: ${i.credential_types.join(', ')}`)].join('\n'),
      );
    },
  );
}
