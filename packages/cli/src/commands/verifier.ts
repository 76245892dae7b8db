/** `sanad verifier …`: presentation requests and the offline status cache. */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { type CredentialFormat, SanadError } from '@sanad/core';
import {
  createDirectoryStatusCache,
  createFileNonceStore,
  createPresentationRequest,
  importStatusList,
} from '@sanad/verifier';
import { action, wholeNumber } from '../command.js';
import { readInput, writeOutput } from '../io.js';
import { renderQr } from '../qr.js';
import { checkedFormat, FORMAT_FLAG } from '../format-flag.js';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Every file below `path` (or `path` itself). */
async function filesUnder(path: string): Promise<string[]> {
  const info = await stat(path).catch((cause: unknown) => {
    throw new SanadError('ERR_FILE_NOT_FOUND', `${path} does not exist.`, { cause });
  });
  if (!info.isDirectory()) return [path];
  const entries = await readdir(path, { withFileTypes: true });
  const nested = await Promise.all(
    entries.filter((e) => !e.name.startsWith('.')).map((e) => filesUnder(join(path, e.name))),
  );
  return nested.flat();
}

/** `address.locality` -> ['address', 'locality']; `nationalities[]` -> ['nationalities', null]. */
export function claimPathOf(text: string): Array<string | null> {
  return text.split('.').flatMap((s) => (s.endsWith('[]') ? [s.slice(0, -2), null] : [s]));
}

export function registerVerifierCommands(program: Command): Command {
  const verifier = program
    .command('verifier')
    .description('presentation requests and status cache (service provider)');

  action<{
    clientId: string;
    name?: string;
    type: string[];
    claim: string[];
    purpose: string;
    purposeLang: string;
    format: CredentialFormat;
    ttl: number;
    nonceStore?: string;
    out: string;
    qr?: boolean;
  }>(
    verifier
      .command('request')
      .description('create a presentation request (DCQL) with a fresh nonce')
      .requiredOption(
        '--client-id <id>',
        "the verifier's identifier (holders address their proof to it)",
      )
      .option('--name <text>', 'display name shown to the holder')
      .requiredOption('--type <type>', 'accepted vct or VC type (repeatable)', collect)
      .option(
        '--claim <path>',
        'a claim to ask for, dotted path (repeatable); none for a check that the credential is valid',
        collect,
        [],
      )
      .requiredOption('--purpose <text>', 'why you ask; shown to the holder')
      .option('--purpose-lang <lang>', 'language of --purpose', 'en')
      .option(...FORMAT_FLAG)
      .option('--ttl <seconds>', 'how long the request is valid', wholeNumber(86_400), 300)
      .option('--nonce-store <file>', 'remember the nonce so `sanad verify` accepts it once')
      .option(
        '--qr',
        'also show the request as a QR code, for a wallet to scan at a desk with no network',
      )
      .requiredOption('--out <file>', 'where to write the request'),
    async (o, out) => {
      checkedFormat(o.format);
      const request = await createPresentationRequest({
        clientId: o.clientId,
        ...(o.name ? { verifierName: o.name } : {}),
        purpose: { [o.purposeLang]: o.purpose },
        credentials: [
          { id: 'credential', format: o.format, types: o.type, claims: o.claim.map(claimPathOf) },
        ],
        ttlSeconds: o.ttl,
        ...(o.nonceStore ? { nonceStore: createFileNonceStore(o.nonceStore) } : {}),
      });
      await writeOutput(o.out, JSON.stringify(request, null, 2));
      const qr = o.qr ? await renderQr(JSON.stringify(request)) : undefined;
      out.result(
        {
          out: o.out,
          nonce: request.nonce,
          expires: new Date(request.exp * 1000).toISOString(),
          ...(qr ? { qr: { characters: qr.length, version: qr.version } } : {}),
        },
        () =>
          `${qr ? `${qr.terminal}\n` : ''}Request for ${o.claim.length > 0 ? o.claim.join(', ') : `a valid ${o.type.join(' or ')}, no claims`} written to ${o.out} (valid ${o.ttl} s).`,
      );
    },
  );

  const cache = verifier.command('status-cache').description('the offline status-list cache');
  action<{ statusCache: string }>(
    cache
      .command('add <paths...>')
      .description('add signed status lists (files or folders) to the cache')
      .requiredOption('--status-cache <dir>', 'cache folder'),
    async (o, out, paths) => {
      const store = createDirectoryStatusCache(o.statusCache);
      const added: string[] = [];
      for (const file of (await Promise.all(paths.map(filesUnder))).flat())
        added.push(await importStatusList(store, await readInput(file)));
      out.result(
        { added },
        () =>
          `${added.length} status list${added.length === 1 ? '' : 's'} cached in ${o.statusCache}.`,
      );
    },
  );
  return verifier;
}
