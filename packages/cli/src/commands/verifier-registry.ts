/**
 * `sanad verifier-registry …`: the verifiers a registry authority has registered, signed for
 * wallets to pin and carry; and the wallet's `--verifier-registry` / `--registry-key` options.
 */
import type { Command } from 'commander';
import {
  registryKeyOf,
  loadVerifierRegistry,
  parseVerifierRegistry,
  type RegisteredVerifier,
  SanadError,
  signerFromJwk,
  signVerifierRegistry,
  type VerifierRegistry,
  type VerifierRegistryDocument,
} from '@sanad/core';
import { action } from '../command.js';
import { readInput, readJson, writeOutput } from '../io.js';
import {
  authorityKey,
  collect,
  expiryOf,
  pinnedKeyOption,
  readOrCreate,
  registerAuthorityKeygen,
  stamped,
} from './authority.js';
import { claimPathOf } from './verifier.js';

const EMPTY: VerifierRegistryDocument = {
  type: 'sanad-verifier-registry',
  version: 1,
  verifiers: [],
};

/** `--name en=Al Noor Clinic --name ar=…` -> { en: 'Al Noor Clinic', ar: '…' }. */
function localizedOption(values: string[], option: string): Record<string, string> {
  return Object.fromEntries(
    values.map((value) => {
      const at = value.indexOf('=');
      if (at < 1)
        throw new SanadError(
          'ERR_INVALID_INPUT',
          `${option} takes <language>=<text>, e.g. ${option} en=…`,
        );
      return [value.slice(0, at), value.slice(at + 1)];
    }),
  );
}

/** The client_ids of a verifier, in their OpenID4VP form. */
const clientIdsOf = (values: string[]): string[] =>
  values.map((v) => (v.startsWith('did:') ? `decentralized_identifier:${v}` : v));

/** Whether `entry` is the verifier some of `clientIds` name. */
const isEntryFor = (entry: RegisteredVerifier, clientIds: string[]): boolean =>
  entry.client_ids.some((id) =>
    clientIds.some((other) => registryKeyOf(id) === registryKeyOf(other)),
  );

/** ['nationalities', null] -> `nationalities[]`, as `--claim` takes it. */
const claimPathText = (path: ReadonlyArray<string | number | null>): string =>
  path
    .map((p) => (p === null ? '[]' : `.${p}`))
    .join('')
    .slice(1);
const claimsText = (claims: RegisteredVerifier['credentials'][number]['claims']): string =>
  claims.map(claimPathText).join(', ') || 'no claims';

const localizedText = (text: Record<string, string>): string => text.en ?? Object.values(text)[0]!;

export interface RegistryFlags {
  verifierRegistry?: string;
  registryKey?: string[];
}

/** The wallet's options for the registry it checks verifiers against. */
export const registryOptions = (cmd: Command): Command =>
  cmd
    .option(
      '--verifier-registry <file>',
      'the signed verifier registry, to say whether the verifier is registered and for what (with --registry-key)',
    )
    .option(
      '--registry-key <jwk-file|did>',
      'the registry authority key the registry must be signed with (repeatable, for a key being replaced)',
      collect,
    );

/** The registry given with {@link registryOptions}, kept when expired so the holder is told. */
export async function registryFromOptions(o: RegistryFlags): Promise<VerifierRegistry | undefined> {
  if (o.verifierRegistry === undefined) {
    if (o.registryKey !== undefined)
      throw new SanadError(
        'ERR_INVALID_INPUT',
        '--registry-key checks a registry: give it with --verifier-registry <file>.',
      );
    return undefined;
  }
  if (o.registryKey === undefined)
    throw new SanadError(
      'ERR_INVALID_INPUT',
      'A verifier registry counts only when signed by its authority: give the key with --registry-key <jwk-file|did>.',
    );
  const pinnedKey = await Promise.all(o.registryKey.map(async (k) => (await pinnedKeyOption(k))!));
  return loadVerifierRegistry(await readInput(o.verifierRegistry), {
    pinnedKey,
    keepExpired: true,
  });
}

export function registerVerifierRegistryCommands(program: Command): void {
  const registry = program
    .command('verifier-registry')
    .description('manage a verifier registry (registry authority): who may ask wallets for what');

  registerAuthorityKeygen(registry, {
    signs: 'verifier registries',
    pinnedBy: 'Wallets',
    pinOption: '--registry-key',
  });

  action<{
    file: string;
    clientId: string[];
    name: string[];
    purpose: string[];
    type?: string;
    claim: string[];
    validUntil?: string;
    expires?: string;
  }>(
    registry
      .command('add')
      .description('register a verifier, or update its registration (creates the file if needed)')
      .requiredOption('--file <registry.json>', 'the verifier registry')
      .requiredOption(
        '--client-id <did>',
        'its DID or decentralized_identifier:<DID>, or its x509_san_dns:<host> or x509_hash:<sha-256> (HAIP), as in its requests (repeatable)',
        collect,
      )
      .option(
        '--name <lang=text>',
        'its name in a language, e.g. en=Al Noor Clinic (repeatable; required for a new verifier)',
        collect,
        [],
      )
      .option(
        '--purpose <lang=text>',
        'what it is registered for, in a language (repeatable; required for a new verifier)',
        collect,
        [],
      )
      .option('--type <type>', 'a credential type (vct or VC type) it may ask for; with --claim')
      .option(
        '--claim <path>',
        'a claim of --type it may ask for, dotted path, nationalities[] for every element (repeatable)',
        collect,
        [],
      )
      .option(
        '--valid-until <date|duration>',
        'the registration ends then: an ISO 8601 date or date-time, or 24h, 90d, 12w from now',
      )
      .option(
        '--expires <date|duration>',
        "set the registry's expires_at: an ISO 8601 date or date-time, or 24h, 90d, 12w from now",
      ),
    async (o, out) => {
      if (o.claim.length > 0 && o.type === undefined)
        throw new SanadError(
          'ERR_INVALID_INPUT',
          '--claim belongs to a credential type: give --type.',
        );
      const clientIds = clientIdsOf(o.clientId);
      const doc = await readOrCreate(o.file, parseVerifierRegistry, EMPTY);
      const existing = doc.verifiers.filter((v) => isEntryFor(v, clientIds));
      if (existing.length > 1)
        throw new SanadError(
          'ERR_INVALID_INPUT',
          'Those client ids belong to several registered verifiers: remove them first.',
        );
      const before = existing[0];
      const names = o.name.length > 0 ? localizedOption(o.name, '--name') : before?.names;
      const purpose = o.purpose.length > 0 ? localizedOption(o.purpose, '--purpose') : undefined;
      if (!names || !(purpose ?? before?.purposes))
        throw new SanadError(
          'ERR_INVALID_INPUT',
          'A new verifier needs --name <lang=text> and --purpose <lang=text>.',
        );
      const credentials = (before?.credentials ?? []).filter((c) => c.credential_type !== o.type);
      const entry: RegisteredVerifier = {
        client_ids: [...new Set([...(before?.client_ids ?? []), ...clientIds])],
        names,
        purposes: purpose ? [purpose] : before!.purposes,
        credentials:
          o.type === undefined
            ? credentials
            : [...credentials, { credential_type: o.type, claims: o.claim.map(claimPathOf) }],
        ...(o.validUntil !== undefined
          ? { valid_until: expiryOf(o.validUntil, Date.now(), '--valid-until') }
          : before?.valid_until
            ? { valid_until: before.valid_until }
            : {}),
      };
      const updated = stamped(
        { ...doc, verifiers: [...doc.verifiers.filter((v) => v !== before), entry] },
        o.expires,
        parseVerifierRegistry,
      );
      await writeOutput(o.file, JSON.stringify(updated, null, 2));
      out.result(
        {
          file: o.file,
          verifiers: updated.verifiers.length,
          issued_at: updated.issued_at,
          ...(updated.expires_at ? { expires_at: updated.expires_at } : {}),
          verifier: entry,
        },
        () =>
          `${localizedText(entry.names)} is registered for ${entry.credentials.map((c) => `${c.credential_type} (${claimsText(c.claims)})`).join('; ') || 'no credential type yet'} (${o.file}${updated.expires_at ? `, expires ${updated.expires_at}` : ''}).`,
      );
    },
  );

  action<{ file: string; clientId: string }>(
    registry
      .command('remove')
      .description('remove a verifier (its key was stolen, its registration withdrawn)')
      .requiredOption('--file <registry.json>', 'the verifier registry')
      .requiredOption('--client-id <did>', 'one of its client ids'),
    async (o, out) => {
      const doc = parseVerifierRegistry(await readJson(o.file));
      const clientIds = clientIdsOf([o.clientId]);
      if (!doc.verifiers.some((v) => isEntryFor(v, clientIds)))
        throw new SanadError('ERR_INVALID_INPUT', `No verifier with that client id in ${o.file}.`);
      const updated = stamped(
        { ...doc, verifiers: doc.verifiers.filter((v) => !isEntryFor(v, clientIds)) },
        undefined,
        parseVerifierRegistry,
      );
      await writeOutput(o.file, JSON.stringify(updated, null, 2));
      out.result(
        { file: o.file, verifiers: updated.verifiers.length, issued_at: updated.issued_at },
        () => `${o.clientId} removed from ${o.file}; sign and distribute the registry again.`,
      );
    },
  );

  action<{ file: string; key: string; out: string; expires?: string }>(
    registry
      .command('sign')
      .description('sign a verifier registry as its authority (issued_at set to now)')
      .requiredOption('--file <registry.json>', 'the verifier registry')
      .requiredOption(
        '--key <file>',
        "the authority's private JWK (from `sanad verifier-registry keygen`)",
      )
      .requiredOption('--out <file>', 'the signed registry (compact JWS)')
      .option(
        '--expires <date|duration>',
        'set expires_at in the signed registry: an ISO 8601 date or date-time, or 24h, 90d, 12w from now',
      ),
    async (o, out) => {
      const key = await authorityKey(o.key);
      const doc = stamped(
        parseVerifierRegistry(await readJson(o.file)),
        o.expires,
        parseVerifierRegistry,
      );
      await writeOutput(o.out, await signVerifierRegistry(doc, await signerFromJwk(key)));
      out.result(
        {
          out: o.out,
          issued_at: doc.issued_at,
          ...(doc.expires_at ? { expires_at: doc.expires_at } : {}),
          verifiers: doc.verifiers.length,
        },
        () =>
          `Signed verifier registry written to ${o.out}: ${doc.verifiers.length} verifier${doc.verifiers.length === 1 ? '' : 's'}, issued ${doc.issued_at}, ${doc.expires_at ? `expires ${doc.expires_at}` : 'no expiry (give --expires)'}.`,
      );
    },
  );

  action<{ file: string; registryKey?: string[] }>(
    registry
      .command('show')
      .description('check and print a verifier registry')
      .requiredOption('--file <file>', 'registry.json or a signed registry')
      .option(
        '--registry-key <jwk-file|did>',
        'the authority key to check the signature (repeatable)',
        collect,
      ),
    async (o, out) => {
      const pinnedKey = o.registryKey
        ? await Promise.all(o.registryKey.map(async (k) => (await pinnedKeyOption(k))!))
        : undefined;
      const list = await loadVerifierRegistry(
        await readInput(o.file),
        pinnedKey ? { pinnedKey } : {},
      );
      out.result({ signed: list.signed, ...list.document }, () =>
        [
          `Verifier registry${list.signed ? ' (signature checked)' : ' (unsigned)'}${list.document.issued_at ? `, issued ${list.document.issued_at}` : ''}${list.document.expires_at ? `, expires ${list.document.expires_at}` : ''}`,
          ...list.document.verifiers.map((v) =>
            [
              `  ${localizedText(v.names)} — ${v.purposes.map(localizedText).join('; ')}${v.valid_until ? ` (until ${v.valid_until})` : ''}`,
              ...v.client_ids.map((id) => `    ${id}`),
              ...v.credentials.map(
                (c) => `    may ask for ${c.credential_type}: ${claimsText(c.claims)}`,
              ),
            ].join('\n'),
          ),
        ].join('\n'),
      );
    },
  );
}
