/** `sanad issuer …`: an agency's issuer kept in one folder (key file + SQLite register). */
import { access, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  type CredentialFormat,
  didKeyFromJwk,
  didKeyMultibase,
  generateKeyPair,
  type HolderKey,
  isPlainObject,
  jwkFromDidJwk,
  jwkFromDidKey,
  SanadError,
  signerFromJwk,
  tryParseJson,
} from '@sanad/core';
import {
  type CredentialType,
  type CredentialTypeDefinition,
  createIssuer,
  defineCredentialType,
  type Issuer,
  loadIssuerKeyFile,
  openSqliteIssuerStore,
  refugeeStatusType,
  saveIssuerKeyFile,
} from '@sanad/issuer';
import { action } from '../command.js';
import { readInput, readJson, writeOutput } from '../io.js';
import { registerHandOutCommands } from './hand-out.js';
import { registerIssueBatchCommand } from './issue-batch.js';

const KEY_FILE = 'issuer-key.jwk.json';
const DB_FILE = 'issuer.sqlite';
const TYPES_DIR = 'types';

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/** The built-in types plus the agency's own definitions in `<dir>/types/*.json`. */
export async function loadTypes(dir: string): Promise<CredentialType[]> {
  const types = [refugeeStatusType];
  const files = await readdir(join(dir, TYPES_DIR)).catch(() => [] as string[]);
  for (const file of files.filter((f) => f.endsWith('.json')).sort()) {
    types.push(defineCredentialType((await readJson(join(dir, TYPES_DIR, file))) as CredentialTypeDefinition));
  }
  return types;
}

/** Opens the issuer kept in `dir`, runs `fn`, and closes the register. */
async function withIssuer<T>(dir: string, fn: (issuer: Issuer) => Promise<T>): Promise<T> {
  if (!(await exists(join(dir, KEY_FILE)))) throw new SanadError('ERR_ISSUER_NOT_INITIALIZED', `No issuer in ${dir}: run \`sanad issuer init --dir ${dir}\` first.`);
  const store = openSqliteIssuerStore(join(dir, DB_FILE));
  try {
    const settings = await store.getSettings();
    if (!settings) throw new SanadError('ERR_ISSUER_NOT_INITIALIZED');
    const signer = await signerFromJwk(await loadIssuerKeyFile(join(dir, KEY_FILE)));
    const issuer = await createIssuer({ store, signer, issuerId: settings.issuerId, kid: settings.kid, statusBaseUrl: settings.statusBaseUrl, types: await loadTypes(dir) });
    return await fn(issuer);
  } finally {
    await store.close();
  }
}

/** Holder keys from a `sanad wallet keys` file, or from DIDs given on the command line. */
async function holderKeys(file: string | undefined, dids: string[] | undefined): Promise<HolderKey[]> {
  if (file) {
    const list = await readJson(file);
    if (!isPlainObject(list) || list.type !== 'sanad-holder-keys' || !Array.isArray(list.keys)) throw new SanadError('ERR_INVALID_INPUT', `${file} is not a holder key list (from \`sanad wallet keys\`).`);
    return list.keys as HolderKey[];
  }
  if (!dids || dids.length === 0) throw new SanadError('ERR_INVALID_INPUT', 'Give --holder-keys <file> or at least one --holder <did>.');
  return dids.map((did) => ({ did, jwk: did.startsWith('did:jwk:') ? jwkFromDidJwk(did) : jwkFromDidKey(did) }));
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerIssuerCommands(program: Command): Command {
  const issuer = program.command('issuer').description('issue, revoke and publish credentials (agency)');

  action<{ dir: string; statusBaseUrl: string; alg: 'ES256' | 'EdDSA'; typeFile?: string[] }>(
    issuer
      .command('init')
      .description('create the signing key, identifier and register in a folder')
      .requiredOption('--dir <dir>', 'issuer folder')
      .requiredOption('--status-base-url <url>', 'where status lists will be published (https)')
      .option('--alg <alg>', 'ES256 or EdDSA', 'ES256')
      .option('--type-file <file>', 'an extra credential type definition (repeatable)', collect),
    async (o, out) => {
      if (o.alg !== 'ES256' && o.alg !== 'EdDSA') throw new SanadError('ERR_UNSUPPORTED_ALGORITHM', '--alg must be ES256 or EdDSA.');
      if (!/^https:\/\/\S+$/.test(o.statusBaseUrl)) throw new SanadError('ERR_INVALID_INPUT', '--status-base-url must be an https URL.');
      if (await exists(join(o.dir, KEY_FILE))) throw new SanadError('ERR_ISSUER_ALREADY_INITIALIZED', `${o.dir} already holds an issuer.`);
      const definitions = await Promise.all((o.typeFile ?? []).map(async (f) => ({ file: f, def: (await readJson(f)) as CredentialTypeDefinition })));
      definitions.forEach(({ def }) => defineCredentialType(def));
      await mkdir(join(o.dir, TYPES_DIR), { recursive: true });
      for (const { def } of definitions) await writeOutput(join(o.dir, TYPES_DIR, `${def.id}.json`), JSON.stringify(def, null, 2));
      const keys = await generateKeyPair(o.alg);
      await saveIssuerKeyFile(join(o.dir, KEY_FILE), keys.privateJwk);
      const did = didKeyFromJwk(keys.publicJwk);
      const store = openSqliteIssuerStore(join(o.dir, DB_FILE));
      await store.saveSettings({ issuerId: did, kid: `${did}#${didKeyMultibase(did)}`, alg: o.alg, statusBaseUrl: o.statusBaseUrl.replace(/\/+$/, '') });
      await store.close();
      const types = (await loadTypes(o.dir)).map((t) => ({ id: t.definition.id, vct: t.definition.vct, vcType: t.definition.vcType }));
      out.result({ issuer: did, dir: o.dir, types }, () =>
        [`Issuer ready in ${o.dir}`, `  identifier: ${did}`, `  private key: ${join(o.dir, KEY_FILE)} (keep it secret; mode 0600)`, `  types: ${types.map((t) => t.id).join(', ')}`].join('\n'),
      );
    },
  );

  action<{ dir: string }>(issuer.command('types').description('list the credential types this issuer can issue').requiredOption('--dir <dir>', 'issuer folder'), async (o, out) => {
    const types = (await loadTypes(o.dir)).map((t) => ({ id: t.definition.id, vct: t.definition.vct, vcType: t.definition.vcType, name: t.definition.name }));
    out.result({ types }, () => types.map((t) => `${t.id}\t${t.vct}\t${t.name.en}`).join('\n'));
  });

  action<{ dir: string; type: string; claims: string; holderKeys?: string; holder?: string[]; format: CredentialFormat; validUntil?: string; out: string }>(
    issuer
      .command('issue')
      .description('issue one credential as a batch of copies, one per holder key')
      .requiredOption('--dir <dir>', 'issuer folder')
      .requiredOption('--type <id>', 'credential type id, e.g. refugee-status')
      .requiredOption('--claims <file>', 'the claims as JSON (or - for stdin)')
      .option('--holder-keys <file>', 'holder keys from `sanad wallet keys`')
      .option('--holder <did>', 'a holder did:key or did:jwk (repeatable)', collect)
      .option('--format <format>', 'dc+sd-jwt or jwt_vc_json', 'dc+sd-jwt')
      .option('--valid-until <iso>', 'end of validity (default: the type validity)')
      .requiredOption('--out <file>', 'where to write the credential bundle for the wallet'),
    async (o, out) => {
      if (o.format !== 'dc+sd-jwt' && o.format !== 'jwt_vc_json') throw new SanadError('ERR_UNSUPPORTED_FORMAT', '--format must be dc+sd-jwt or jwt_vc_json.');
      const claims = tryParseJson(await readInput(o.claims));
      if (claims === undefined) throw new SanadError('ERR_INVALID_JSON', 'The claims are not valid JSON.');
      const validUntil = o.validUntil === undefined ? undefined : new Date(o.validUntil);
      if (validUntil && Number.isNaN(validUntil.getTime())) throw new SanadError('ERR_INVALID_INPUT', '--valid-until must be an ISO 8601 date.');
      const holders = await holderKeys(o.holderKeys, o.holder);
      out.progress(`Issuing ${holders.length} cop${holders.length === 1 ? 'y' : 'ies'}…`);
      const result = await withIssuer(o.dir, (i) => i.issue({ type: o.type, format: o.format, claims, holders, ...(validUntil ? { validUntil } : {}) }));
      await writeOutput(o.out, JSON.stringify(result.bundle, null, 2));
      const ids = result.records.map((r) => r.id);
      out.result({ batchId: result.batchId, copies: ids.length, format: o.format, ids, out: o.out }, () =>
        [`Issued ${ids.length} cop${ids.length === 1 ? 'y' : 'ies'} (${o.format}) to ${o.out}`, `  batch id: ${result.batchId} (use it to revoke every copy)`].join('\n'),
      );
    },
  );

  registerIssueBatchCommand(issuer, withIssuer);
  registerHandOutCommands(issuer);

  action<{ dir: string }>(issuer.command('list').description('what the register holds (no claim values)').requiredOption('--dir <dir>', 'issuer folder'), async (o, out) => {
    const credentials = await withIssuer(o.dir, (i) => i.listCredentials());
    out.result({ credentials }, () =>
      credentials.length === 0 ? 'No credentials issued yet.' : credentials.map((c) => `${c.id}  ${c.typeId}  ${c.format}  ${c.status}  until ${c.validUntil.slice(0, 10)}  batch ${c.batchId}`).join('\n'),
    );
  });

  for (const [name, verb, description] of [
    ['revoke', 'revoke', 'revoke a credential or every copy of a batch (final)'],
    ['suspend', 'suspend', 'suspend a credential or batch'],
    ['reinstate', 'reinstate', 'make a suspended credential or batch valid again'],
  ] as const) {
    action<{ dir: string }>(issuer.command(`${name} <id>`).description(description).requiredOption('--dir <dir>', 'issuer folder'), async (o, out, [id]) => {
      const records = await withIssuer(o.dir, (i) => i[verb](id!));
      out.result({ [`${verb}d`]: records.map((r) => r.id), status: records[0]?.status }, () =>
        `${records.length} cop${records.length === 1 ? 'y is' : 'ies are'} now ${records[0]?.status}. Publish with \`sanad issuer status-list\`.`,
      );
    });
  }

  action<{ dir: string; out: string }>(
    issuer.command('status-list').description('write the signed status lists to publish').requiredOption('--dir <dir>', 'issuer folder').requiredOption('--out <folder>', 'output folder (mirrors the status URLs)'),
    async (o, out) => {
      const lists = await withIssuer(o.dir, (i) => i.publishStatusLists());
      for (const list of lists) await writeOutput(join(o.out, list.path), list.token);
      out.result({ lists: lists.map((l) => ({ uri: l.uri, kind: l.kind, file: join(o.out, l.path) })) }, () =>
        lists.length === 0 ? 'No status lists yet (nothing issued).' : lists.map((l) => `${join(o.out, l.path)}  ->  publish at ${l.uri}`).join('\n'),
      );
    },
  );
  return issuer;
}
