/** `sanad issuer …`: an agency's issuer kept in one folder (key files + the register, in SQLite or PostgreSQL). */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  type CredentialFormat,
  type HolderKey,
  isPlainObject,
  jwkFromDidJwk,
  jwkFromDidKey,
  SanadError,
  tryParseJson,
} from '@sanad/core';
import {
  type CredentialTypeDefinition,
  defineCredentialType,
  backupFolderRegister,
  addFolderBbsKey,
  BBS_KEY_FILE,
  initIssuerFolder,
  ISSUER_KEY_FILE,
  moveFolderRegister,
  type PublishedStatusList,
  rotateFolderKey,
} from '@sanad/issuer';
import { action } from '../command.js';
import { assertNewFile, readInput, readJson, writeOutput } from '../io.js';
import {
  databaseOf,
  loadTypes,
  type RegisterFlags,
  registerOptions,
  TYPES_DIR,
  withIssuer,
} from '../issuer-folder.js';
import { issuerOperator } from '../operator-client.js';
import type { Output, ProgressBar } from '../output.js';
import { confirm } from '../prompt.js';
import { registerHandOutCommands } from './hand-out.js';
import { registerIssueBatchCommand } from './issue-batch.js';
import {
  CRYPTOSUITE_FLAG,
  checkedCryptosuite,
  checkedFormat,
  FORMAT_FLAG,
} from '../format-flag.js';

/** Holder keys from a `sanad wallet keys` file, or from DIDs given on the command line. */
async function holderKeys(
  file: string | undefined,
  dids: string[] | undefined,
): Promise<HolderKey[]> {
  if (file) {
    const list = await readJson(file);
    if (!isPlainObject(list) || list.type !== 'sanad-holder-keys' || !Array.isArray(list.keys))
      throw new SanadError(
        'ERR_INVALID_INPUT',
        `${file} is not a holder key list (from \`sanad wallet keys\`).`,
      );
    return list.keys as HolderKey[];
  }
  if (!dids || dids.length === 0)
    throw new SanadError(
      'ERR_INVALID_INPUT',
      'Give --holder-keys <file> or at least one --holder <did>.',
    );
  return dids.map((did) => ({
    did,
    jwk: did.startsWith('did:jwk:') ? jwkFromDidJwk(did) : jwkFromDidKey(did),
  }));
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/**
 * `sanad issuer revoke --signed-by <key>`: the key-compromise drill's revocation. The batches to
 * issue again are written before anything changes, since afterwards the register can no longer
 * tell the copies revoked now from those revoked before.
 */
async function revokeSignedBy(
  o: RegisterFlags & { signedBy: string; yes?: boolean; reissueList?: string },
  out: Output,
  where: { dir: string } | { service: string },
): Promise<void> {
  if ('service' in where)
    throw new SanadError(
      'ERR_INVALID_INPUT',
      '--signed-by works on the issuer folder: give --dir (a running service on it publishes the change).',
    );
  if (o.reissueList === undefined)
    throw new SanadError(
      'ERR_INVALID_INPUT',
      '--signed-by needs --reissue-list <file>: the batches to issue again can be listed only before they are revoked.',
    );
  assertNewFile(o.reissueList);
  const reissueList = o.reissueList;
  const result = await withIssuer(
    where.dir,
    async (issuer) => {
      const plan = await issuer.planKeyRevocation(o.signedBy);
      const summary = `${plan.credentialIds.length.toLocaleString('en-US')} cop${plan.credentialIds.length === 1 ? 'y' : 'ies'} signed by ${plan.issuerId} (${plan.reissue.length.toLocaleString('en-US')} batch(es) to issue again)`;
      const agreed =
        o.yes === true ||
        (await confirm(`Revoke ${summary}? This cannot be undone.`, {
          refusal: {
            code: 'ERR_CONFIRMATION_REQUIRED',
            message:
              'Revoking everything a key signed cannot be undone: run in a terminal to be asked, or pass --yes.',
          },
        }));
      if (!agreed) return undefined;
      const revokedAt = new Date().toISOString();
      const batches = plan.reissue.map((b) => ({
        batch_id: b.batchId,
        type: b.typeId,
        format: b.format,
        copies: b.copies,
        issued_at: b.issuedAt,
        valid_until: b.validUntil,
        status_before: b.statusBefore,
      }));
      await writeOutput(
        reissueList,
        `${JSON.stringify({ type: 'sanad-reissue-list', version: 1, signed_by: plan.issuerId, revoked_at: revokedAt, batches }, null, 2)}\n`,
        0o600,
        { overwrite: false },
      );
      const bar = out.bar('Revoking', plan.credentialIds.length);
      try {
        await issuer.revokePlanned(plan, { onProgress: (done) => bar.update(done) });
      } finally {
        bar.finish();
      }
      return { plan, batches: batches.length };
    },
    o,
  );
  if (!result) {
    out.result({ signed_by: o.signedBy, revoked: 0 }, () => 'Nothing revoked.');
    return;
  }
  const { plan, batches } = result;
  out.result(
    {
      signed_by: plan.issuerId,
      revoked: plan.credentialIds.length,
      already_revoked: plan.alreadyRevoked,
      lists: plan.lists.map((l) => l.uri),
      reissue_list: reissueList,
      batches_to_reissue: batches,
    },
    () =>
      [
        `Revoked ${plan.credentialIds.length.toLocaleString('en-US')} cop${plan.credentialIds.length === 1 ? 'y' : 'ies'} signed by ${plan.issuerId} (${plan.alreadyRevoked.toLocaleString('en-US')} revoked before).`,
        `  ${plan.lists.length} status list(s) change: publish them now with \`sanad issuer status-list --dir ${where.dir} --out <folder>\` (a running issuer service does it within 30 s).`,
        `  ${batches.toLocaleString('en-US')} batch(es) to issue again under the new key: ${reissueList} (batch ids, types, dates; no claim values).`,
        `Then the trust-list authority removes ${plan.issuerId}: see docs/key-compromise.md.`,
      ].join('\n'),
  );
}

export function registerIssuerCommands(program: Command): Command {
  const issuer = program
    .command('issuer')
    .description('issue, revoke and publish credentials (agency)');

  action<
    RegisterFlags & {
      dir: string;
      statusBaseUrl: string;
      alg: 'ES256' | 'EdDSA';
      typeFile?: string[];
      bbs?: boolean;
    }
  >(
    registerOptions(
      issuer
        .command('init')
        .description(
          'create the signing key, identifier and register in a folder (the register in SQLite, or PostgreSQL with --database)',
        )
        .requiredOption('--dir <dir>', 'issuer folder')
        .requiredOption(
          '--status-base-url <url>',
          'where status lists will be published (https); one per issuer folder',
        )
        .option('--alg <alg>', 'ES256 or EdDSA', 'ES256')
        .option(
          '--bbs',
          'also create a BBS key for bbs-2023 W3C credentials (presentations unlinkable by their proofs)',
        )
        .option('--type-file <file>', 'an extra credential type definition (repeatable)', collect),
    ),
    async (o, out) => {
      if (o.alg !== 'ES256' && o.alg !== 'EdDSA')
        throw new SanadError('ERR_UNSUPPORTED_ALGORITHM', '--alg must be ES256 or EdDSA.');
      if (!/^https:\/\/\S+$/.test(o.statusBaseUrl))
        throw new SanadError('ERR_INVALID_INPUT', '--status-base-url must be an https URL.');
      const definitions = await Promise.all(
        (o.typeFile ?? []).map(async (f) => (await readJson(f)) as CredentialTypeDefinition),
      );
      for (const def of definitions) defineCredentialType(def);
      const database = databaseOf(o);
      const { settings, where } = await initIssuerFolder(o.dir, {
        statusBaseUrl: o.statusBaseUrl,
        alg: o.alg,
        ...(database ? { database } : {}),
        ...(o.bbs ? { bbs: true } : {}),
      });
      await mkdir(join(o.dir, TYPES_DIR), { recursive: true });
      for (const def of definitions)
        await writeOutput(join(o.dir, TYPES_DIR, `${def.id}.json`), JSON.stringify(def, null, 2));
      const types = (await loadTypes(o.dir)).map((t) => ({
        id: t.definition.id,
        vct: t.definition.vct,
        vcType: t.definition.vcType,
      }));
      const statusLists = `${settings.statusBaseUrl}/${settings.registerId}/`;
      out.result(
        {
          issuer: settings.issuerId,
          ...(settings.bbsIssuerId ? { bbs_issuer: settings.bbsIssuerId } : {}),
          dir: o.dir,
          register: where,
          status_lists: statusLists,
          types,
        },
        () =>
          [
            `Issuer ready in ${o.dir}`,
            `  identifier: ${settings.issuerId}`,
            `  private key: ${join(o.dir, ISSUER_KEY_FILE)} (keep it secret; mode 0600)`,
            ...(settings.bbsIssuerId
              ? [
                  `  BBS identifier: ${settings.bbsIssuerId} (bbs-2023; put it on the trust list too)`,
                  `  BBS key: ${join(o.dir, BBS_KEY_FILE)} (keep it secret; mode 0600)`,
                ]
              : []),
            `  register: ${where}`,
            `  status lists will be published under ${statusLists}`,
            `  types: ${types.map((t) => t.id).join(', ')}`,
          ].join('\n'),
      );
    },
  );

  action<{ dir: string }>(
    issuer
      .command('types')
      .description('list the credential types this issuer can issue')
      .requiredOption('--dir <dir>', 'issuer folder'),
    async (o, out) => {
      const types = (await loadTypes(o.dir)).map((t) => ({
        id: t.definition.id,
        vct: t.definition.vct,
        vcType: t.definition.vcType,
        name: t.definition.name,
      }));
      out.result({ types }, () => types.map((t) => `${t.id}\t${t.vct}\t${t.name.en}`).join('\n'));
    },
  );

  action<{ dir: string }>(
    issuer
      .command('bbs-key')
      .description(
        'add a BBS key to an issuer folder, for bbs-2023 W3C credentials (a second identifier: put it on the trust list)',
      )
      .requiredOption('--dir <dir>', 'issuer folder'),
    async (o, out) => {
      const { issuerId, keyFile } = await addFolderBbsKey(o.dir, { types: await loadTypes(o.dir) });
      out.result({ bbs_issuer: issuerId, key_file: keyFile }, () =>
        [
          `BBS key added to ${o.dir}`,
          `  identifier: ${issuerId} (put it on the trust list beside the issuer's)`,
          `  key: ${keyFile} (keep it secret; mode 0600)`,
          '  issue with: sanad issuer issue --format ldp_vc --cryptosuite bbs-2023 …',
        ].join('\n'),
      );
    },
  );

  action<
    RegisterFlags & {
      dir: string;
      type: string;
      claims: string;
      holderKeys?: string;
      holder?: string[];
      format: CredentialFormat;
      cryptosuite?: string;
      validUntil?: string;
      out: string;
    }
  >(
    registerOptions(
      issuer
        .command('issue')
        .description('issue one credential as a batch of copies, one per holder key')
        .requiredOption('--dir <dir>', 'issuer folder')
        .requiredOption('--type <id>', 'credential type id, e.g. refugee-status')
        .requiredOption('--claims <file>', 'the claims as JSON (or - for stdin)')
        .option('--holder-keys <file>', 'holder keys from `sanad wallet keys`')
        .option('--holder <did>', 'a holder did:key or did:jwk (repeatable)', collect)
        .option(...FORMAT_FLAG)
        .option(...CRYPTOSUITE_FLAG)
        .option('--valid-until <iso>', 'end of validity (default: the type validity)')
        .requiredOption('--out <file>', 'where to write the credential bundle for the wallet'),
    ),
    async (o, out) => {
      checkedFormat(o.format);
      const cryptosuite = checkedCryptosuite(o.cryptosuite, o.format);
      const claims = tryParseJson(await readInput(o.claims));
      if (claims === undefined)
        throw new SanadError('ERR_INVALID_JSON', 'The claims are not valid JSON.');
      const validUntil = o.validUntil === undefined ? undefined : new Date(o.validUntil);
      if (validUntil && Number.isNaN(validUntil.getTime()))
        throw new SanadError('ERR_INVALID_INPUT', '--valid-until must be an ISO 8601 date.');
      const holders = await holderKeys(o.holderKeys, o.holder);
      assertNewFile(o.out); // before issuing: a credential issued to no file reaches nobody
      out.progress(`Issuing ${holders.length} cop${holders.length === 1 ? 'y' : 'ies'}…`);
      const result = await withIssuer(
        o.dir,
        (i) =>
          i.issue({
            type: o.type,
            format: o.format,
            ...(cryptosuite ? { cryptosuite } : {}),
            claims,
            holders,
            ...(validUntil ? { validUntil } : {}),
          }),
        o,
      );
      // The bundle holds the person's claims: owner-only, and never over another person's bundle.
      await writeOutput(o.out, JSON.stringify(result.bundle, null, 2), 0o600, { overwrite: false });
      const ids = result.records.map((r) => r.id);
      out.result(
        { batchId: result.batchId, copies: ids.length, format: o.format, ids, out: o.out },
        () =>
          [
            `Issued ${ids.length} cop${ids.length === 1 ? 'y' : 'ies'} (${o.format}) to ${o.out}`,
            `  batch id: ${result.batchId} (use it to revoke every copy)`,
          ].join('\n'),
      );
    },
  );

  registerIssueBatchCommand(issuer);
  registerHandOutCommands(issuer);

  // The register commands work on the folder's register wherever it is (`--database` to name it),
  // or through a running issuer service's operator API (`--service`).
  const onRegister = (cmd: Command): Command =>
    registerOptions(
      cmd
        .option('--dir <dir>', 'issuer folder')
        .option(
          '--service <url>',
          'work through this issuer service instead (token from SANAD_OPERATOR_TOKEN)',
        )
        .option('--allow-http', 'let --service be plain http to another machine (tests only)'),
    );
  type OnRegister = RegisterFlags & { dir?: string; service?: string; allowHttp?: boolean };
  const target = (o: OnRegister): { dir: string } | { service: string } => {
    if (o.service !== undefined && o.dir !== undefined)
      throw new SanadError(
        'ERR_INVALID_INPUT',
        'Give --dir (the issuer folder) or --service (a running issuer service), not both.',
      );
    if (o.service !== undefined) return { service: o.service };
    if (o.dir === undefined)
      throw new SanadError(
        'ERR_INVALID_INPUT',
        'Give --dir <issuer folder>, or --service <issuer service URL>.',
      );
    return { dir: o.dir };
  };

  action<OnRegister>(
    onRegister(issuer.command('list').description('what the register holds (no claim values)')),
    async (o, out) => {
      const where = target(o);
      const credentials =
        'service' in where
          ? await issuerOperator(where.service, o).list()
          : await withIssuer(where.dir, (i) => i.listCredentials(), o);
      out.result({ credentials }, () =>
        credentials.length === 0
          ? 'No credentials issued yet.'
          : credentials
              .map(
                (c) =>
                  `${c.id}  ${c.typeId}  ${c.format}  ${c.status}  until ${c.validUntil.slice(0, 10)}  batch ${c.batchId}`,
              )
              .join('\n'),
      );
    },
  );

  const changeStatus = async (
    verb: 'revoke' | 'suspend' | 'reinstate',
    o: OnRegister,
    out: Output,
    id: string,
  ): Promise<void> => {
    const where = target(o);
    const changed =
      'service' in where
        ? (await issuerOperator(where.service, o).change(verb, id)).map((c) => ({
            id: c.id,
            status: c.status,
          }))
        : (await withIssuer(where.dir, (i) => i[verb](id), o)).map((r) => ({
            id: r.id,
            status: r.status,
          }));
    const status = changed[0]?.status;
    const publish =
      'service' in where
        ? 'The service publishes the change within 30 s.'
        : 'Publish with `sanad issuer status-list`, or let the issuer service do it.';
    out.result(
      { [`${verb}d`]: changed.map((c) => c.id), status },
      () =>
        `${changed.length} cop${changed.length === 1 ? 'y is' : 'ies are'} now ${status}. ${publish}`,
    );
  };

  action<OnRegister & { signedBy?: string; yes?: boolean; reissueList?: string }>(
    onRegister(
      issuer
        .command('revoke [id]')
        .description(
          'revoke a credential or every copy of a batch, or with --signed-by everything a compromised key signed (final)',
        )
        .option(
          '--signed-by <did|kid>',
          'revoke every credential signed by this retired key (after `sanad issuer rotate-key`; see docs/key-compromise.md)',
        )
        .option(
          '--reissue-list <file>',
          'with --signed-by: where to write the batches to issue again (ids, types, dates; no claim values)',
        )
        .option('--yes', 'with --signed-by: revoke without asking'),
    ),
    async (o, out, [id]) => {
      if (o.signedBy === undefined) {
        if (id === undefined)
          throw new SanadError(
            'ERR_INVALID_INPUT',
            'Give the credential or batch id to revoke, or --signed-by <did> after a key compromise.',
          );
        if (o.reissueList !== undefined)
          throw new SanadError('ERR_INVALID_INPUT', '--reissue-list goes with --signed-by.');
        return changeStatus('revoke', o, out, id);
      }
      if (id !== undefined)
        throw new SanadError(
          'ERR_INVALID_INPUT',
          'Give a credential or batch id, or --signed-by, not both.',
        );
      await revokeSignedBy({ ...o, signedBy: o.signedBy }, out, target(o));
    },
  );

  for (const [verb, description] of [
    ['suspend', 'suspend a credential or batch'],
    ['reinstate', 'make a suspended credential or batch valid again'],
  ] as const) {
    action<OnRegister>(
      onRegister(issuer.command(`${verb} <id>`).description(description)),
      (o, out, [id]) => changeStatus(verb, o, out, id!),
    );
  }

  action<OnRegister & { out: string }>(
    onRegister(
      issuer
        .command('status-list')
        .description('write the signed status lists to publish')
        .requiredOption('--out <folder>', 'output folder (mirrors the status URLs)'),
    ),
    async (o, out) => {
      const where = target(o);
      const lists: PublishedStatusList[] =
        'service' in where
          ? await issuerOperator(where.service, o).statusLists()
          : await withIssuer(where.dir, (i) => i.publishStatusLists(), o);
      for (const list of lists) await writeOutput(join(o.out, list.path), list.token);
      out.result(
        { lists: lists.map((l) => ({ uri: l.uri, kind: l.kind, file: join(o.out, l.path) })) },
        () =>
          lists.length === 0
            ? 'No status lists yet (nothing issued).'
            : lists.map((l) => `${join(o.out, l.path)}  ->  publish at ${l.uri}`).join('\n'),
      );
    },
  );

  action<{ dir: string; to: string; schema?: string; from?: string }>(
    issuer
      .command('migrate')
      .description(
        'move the register to PostgreSQL (--to postgres://…) or back into the folder (--to sqlite), in one transaction; stop every service first',
      )
      .requiredOption('--dir <dir>', 'issuer folder')
      .requiredOption(
        '--to <target>',
        'postgres://user@host/db (password from PGPASSWORD or ~/.pgpass), or sqlite',
      )
      .option('--schema <name>', 'PostgreSQL schema to move into (default sanad)')
      .option(
        '--from <url>',
        "moving back: the PostgreSQL URL with its password, if the folder's record of it is not enough",
      ),
    async (o, out) => {
      let bar: ProgressBar | undefined;
      const onProgress = (copied: number, total: number): void => {
        bar ??= out.bar('Copying', total);
        bar.update(copied);
      };
      let moved;
      try {
        if (o.to === 'sqlite') {
          moved = await moveFolderRegister(o.dir, {
            onProgress,
            ...(o.from ? { from: { url: o.from, ...(o.schema ? { schema: o.schema } : {}) } } : {}),
          });
        } else {
          if (!/^postgres(ql)?:\/\//.test(o.to))
            throw new SanadError('ERR_INVALID_INPUT', '--to must be a postgres:// URL, or sqlite.');
          moved = await moveFolderRegister(o.dir, {
            onProgress,
            to: { url: o.to, ...(o.schema ? { schema: o.schema } : {}) },
          });
        }
      } finally {
        bar?.finish();
      }
      out.result(
        {
          credentials: moved.credentials,
          lists: moved.lists,
          from: moved.from,
          to: moved.to,
          resumed: moved.resumed,
        },
        () =>
          [
            `Moved ${moved.credentials.toLocaleString('en-US')} credential record(s) and ${moved.lists} status list(s)${moved.resumed ? ' (finishing an earlier, interrupted move)' : ''}`,
            `  from ${moved.from} (now marked as moved: it refuses every use and is kept only as a record)`,
            `  to   ${moved.to}`,
            `Commands and \`sanad issuer serve --dir ${o.dir}\` now use the new place.`,
          ].join('\n'),
      );
    },
  );

  action<{ dir: string; out: string }>(
    issuer
      .command('backup')
      .description(
        'a consistent copy of the SQLite register, also while the service runs (PostgreSQL: use pg_dump)',
      )
      .requiredOption('--dir <dir>', 'issuer folder')
      .requiredOption('--out <file>', 'the backup file (must not exist)'),
    async (o, out) => {
      const { credentials } = await backupFolderRegister(o.dir, o.out);
      out.result(
        { out: o.out, credentials },
        () =>
          `Register backed up to ${o.out} (${credentials.toLocaleString('en-US')} credential records). Back up the key files separately, in your secret store.`,
      );
    },
  );

  action<RegisterFlags & { dir: string; alg?: 'ES256' | 'EdDSA' }>(
    registerOptions(
      issuer
        .command('rotate-key')
        .description(
          "sign new credentials with a new key in the same register; the old key keeps signing its credentials' status lists",
        )
        .requiredOption('--dir <dir>', 'issuer folder')
        .option('--alg <alg>', 'ES256 or EdDSA (default: as the current key)'),
    ),
    async (o, out) => {
      if (o.alg !== undefined && o.alg !== 'ES256' && o.alg !== 'EdDSA')
        throw new SanadError('ERR_UNSUPPORTED_ALGORITHM', '--alg must be ES256 or EdDSA.');
      const database = databaseOf(o);
      const types = await loadTypes(o.dir);
      const rotated = await rotateFolderKey(o.dir, {
        types,
        ...(database ? { database } : {}),
        ...(o.alg ? { alg: o.alg } : {}),
      });
      const typeFlags = types
        .flatMap((t) => [t.definition.vct, t.definition.vcType])
        .map((t) => `--type ${t}`)
        .join(' ');
      out.result(
        {
          issuer: rotated.issuerId,
          previous: rotated.previous,
          retired_key_file: rotated.retiredKeyFile,
          previous_valid_until: rotated.previousValidUntil ?? null,
        },
        () =>
          [
            `New signing key: ${rotated.issuerId}`,
            `  the old key (${rotated.previous}) is kept in ${rotated.retiredKeyFile}: it signs only the status lists of the credentials it signed. Keep it as secret as the current one.`,
            'Before issuing, the trust-list authority adds the new identifier with the same types, and keeps the old one',
            `${rotated.previousValidUntil ? `until ${rotated.previousValidUntil.slice(0, 10)} (the last old credential expires then)` : 'while old credentials are valid'}:`,
            `  sanad trust-list add --file trust.json --issuer ${rotated.issuerId} ${typeFlags} --name "…"`,
            'Restart `sanad issuer serve` on this folder: a service still running on the old key can no longer issue.',
          ].join('\n'),
      );
    },
  );

  return issuer;
}
