/** `sanad wallet …`: the holder's encrypted wallet in one file. */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { encodeOfflinePresentation, type HolderKeyList, SanadError, type SignatureAlgorithm } from '@sanad/core';
import { parsePresentationRequest } from '@sanad/verifier';
import { createWallet, generateRecoverySecret, openWallet, restoreBackup, type Wallet, type WalletOptions } from '@sanad/wallet';
import { nodeScrypt, openFileStorage } from '@sanad/wallet/node';
import { action, wholeNumber } from '../command.js';
import { readInput, readJson, writeOutput } from '../io.js';
import { protocolFetch } from '../network.js';
import { confirm, readPassphrase, readTxCode } from '../prompt.js';
import { qrSvg, renderQr } from '../qr.js';

const DEFAULT_WALLET = 'sanad-wallet.json';
const RECOVERY_ENV = 'SANAD_RECOVERY_SECRET';
const options: WalletOptions = { kdf: nodeScrypt };

interface WalletFlag {
  wallet: string;
}

/** Opens the wallet (taking its lock), runs `fn`, and always releases it. */
async function withWallet<T>(path: string, fn: (wallet: Wallet) => Promise<T>): Promise<T> {
  const storage = await openFileStorage(path);
  try {
    return await fn(await openWallet(storage, await readPassphrase(), options));
  } finally {
    await storage.close?.();
  }
}

async function readFileBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (cause) {
    throw new SanadError('ERR_FILE_NOT_FOUND', `Cannot read ${path}.`, { cause });
  }
}

const walletOption = (cmd: Command): Command => cmd.option('--wallet <file>', 'wallet file', DEFAULT_WALLET);

const allowHttpOption = (cmd: Command): Command => cmd.option('--allow-http', 'allow http:// and local addresses (a local sandbox only)');

export function registerWalletCommands(program: Command): void {
  const wallet = program.command('wallet').description("the holder's encrypted wallet (passphrase from SANAD_WALLET_PASSPHRASE or a prompt)");

  action<WalletFlag>(walletOption(wallet.command('init').description('create an empty encrypted wallet')), async (o, out) => {
    const storage = await openFileStorage(o.wallet);
    try {
      await createWallet(storage, await readPassphrase({ confirm: true, label: 'New wallet passphrase' }), options);
    } finally {
      await storage.close?.();
    }
    out.result({ wallet: o.wallet }, () => `Encrypted wallet created: ${o.wallet}`);
  });

  action<WalletFlag & { count: number; alg: SignatureAlgorithm; out: string }>(
    walletOption(
      wallet
        .command('keys')
        .description('make fresh holder keys, one per credential copy, for the issuer')
        .option('--count <n>', 'how many keys', wholeNumber(100), 1)
        .option('--alg <alg>', 'ES256 or EdDSA', 'ES256')
        .requiredOption('--out <file>', 'where to write the public keys'),
    ),
    async (o, out) => {
      if (o.alg !== 'ES256' && o.alg !== 'EdDSA') throw new SanadError('ERR_UNSUPPORTED_ALGORITHM', '--alg must be ES256 or EdDSA.');
      const keys = await withWallet(o.wallet, (w) => w.createHolderKeys(o.count, o.alg));
      const list: HolderKeyList = { type: 'sanad-holder-keys', version: 1, keys };
      await writeOutput(o.out, JSON.stringify(list, null, 2));
      out.result({ keys, out: o.out }, () => `${keys.length} holder key${keys.length === 1 ? '' : 's'} written to ${o.out} (public halves only).`);
    },
  );

  action<WalletFlag>(walletOption(wallet.command('import <file>').description('import a credential bundle or a bare SD-JWT VC / VC-JWT')), async (o, out, [file]) => {
    const input = await readInput(file!);
    const summary = await withWallet(o.wallet, (w) => w.import(input));
    out.result(summary, () => `Imported "${summary.name}" (${summary.copies} cop${summary.copies === 1 ? 'y' : 'ies'}), id ${summary.id}.${summary.issuerSignatureChecked ? '' : ' Issuer signature not checked (https issuer).'}`);
  });

  action<WalletFlag & { lang: string }>(walletOption(wallet.command('list').description('the credentials held').option('--lang <lang>', 'en, fr or ar', 'en')), async (o, out) => {
    const list = await withWallet(o.wallet, async (w) => w.list(o.lang));
    out.result({ credentials: list }, () =>
      list.length === 0 ? 'The wallet is empty.' : list.map((c) => `${c.id}  ${c.name}  (${c.unusedCopies}/${c.copies} copies unused)${c.validUntil ? `  until ${c.validUntil.slice(0, 10)}` : ''}`).join('\n'),
    );
  });

  action<WalletFlag & { lang: string }>(walletOption(wallet.command('show <id>').description('one credential with its claims').option('--lang <lang>', 'en, fr or ar', 'en')), async (o, out, [id]) => {
    const details = await withWallet(o.wallet, async (w) => w.show(id!, o.lang));
    out.result(details, () => [`${details.name}  (${details.id})`, `  issuer: ${details.issuer}`, ...details.claims.map((c) => `  ${c.label}: ${JSON.stringify(c.value)}`)].join('\n'));
  });

  action<WalletFlag>(walletOption(wallet.command('delete <id>').description('delete a credential and all its copies')), async (o, out, [id]) => {
    await withWallet(o.wallet, (w) => w.delete(id!));
    out.result({ deleted: id }, () => `Deleted ${id}.`);
  });

  action<WalletFlag & { request: string; out: string; yes?: boolean; lang: string; qr?: boolean; qrSvg?: string }>(
    walletOption(
      wallet
        .command('present')
        .description('answer a presentation request from a file, after showing what will be shared')
        .requiredOption('--request <file>', 'the presentation request')
        .requiredOption('--out <file>', 'where to write the presentation')
        .option('--qr', 'for a verifier with no network: write one compact SANAD1: code and show it as a QR code')
        .option('--qr-svg <file>', 'also write the QR code as an SVG image (with --qr)')
        .option('--yes', 'agree after printing the summary (no question asked)')
        .option('--lang <lang>', 'en, fr or ar', 'en'),
    ),
    async (o, out) => {
      const request = parsePresentationRequest(await readJson(o.request));
      const result = await withWallet(o.wallet, async (w) => {
        const proposal = w.propose(request, { locale: o.lang });
        if (!out.json) process.stdout.write(`${proposal.summary.join('\n')}\n`);
        const approve = o.yes === true || (await confirm('Share this?'));
        const response = await w.present(w.decide(proposal, { approve }));
        return { proposal, response };
      });
      const shared = result.proposal.items.flatMap((i) => i.shared.map((s) => s.label));
      const summary = { out: o.out, verifier: result.proposal.verifier, purpose: result.proposal.purpose, shared, summary: result.proposal.summary };
      if (!o.qr) {
        await writeOutput(o.out, JSON.stringify(result.response, null, 2));
        out.result(summary, () => `Presentation written to ${o.out}.`);
        return;
      }
      const presentations = Object.values(result.response.vp_token).flat();
      if (presentations.length !== 1) throw new SanadError('ERR_INVALID_INPUT', 'An offline QR code carries one presentation; this request asks for several credentials.');
      const compact = encodeOfflinePresentation(presentations[0]!);
      const qr = await renderQr(compact);
      await writeOutput(o.out, compact);
      if (o.qrSvg) await writeOutput(o.qrSvg, await qrSvg(compact));
      out.result({ ...summary, qr: { characters: qr.length, version: qr.version, error_correction: 'L' } }, () => `${qr.terminal}\nOffline presentation: ${qr.length} characters, QR version ${qr.version} (level L), written to ${o.out}.`);
    },
  );

  action<WalletFlag & { copies: number; allowHttp?: boolean }>(
    allowHttpOption(
      walletOption(
        wallet
          .command('receive <offer>')
          .description('receive a credential from an OpenID4VCI offer (openid-credential-offer:// link); asks for the PIN (or SANAD_TX_CODE)')
          .option('--copies <n>', 'copies to ask for, one per future presentation', wholeNumber(10), 3),
      ),
    ),
    async (o, out, [offer]) => {
      const fetch = protocolFetch(o.allowHttp);
      const summary = await withWallet(o.wallet, (w) => w.receive(offer!, { fetch, copies: o.copies, txCode: (hint) => readTxCode(hint) }));
      out.result(summary, () => `Received "${summary.name}" from ${summary.issuer} (${summary.copies} cop${summary.copies === 1 ? 'y' : 'ies'}), id ${summary.id}.`);
    },
  );

  action<WalletFlag & { yes?: boolean; lang: string; allowHttp?: boolean }>(
    allowHttpOption(
      walletOption(
        wallet
          .command('respond <request>')
          .description('answer an OpenID4VP request (openid4vp:// link): shows what will be shared, asks, then sends')
          .option('--yes', 'agree after printing the summary (no question asked)')
          .option('--lang <lang>', 'en, fr or ar', 'en'),
      ),
    ),
    async (o, out, [uri]) => {
      const fetch = protocolFetch(o.allowHttp);
      const result = await withWallet(o.wallet, async (w) => {
        const opened = await w.openRequest(uri!, { fetch });
        const proposal = w.propose(opened.request, { locale: o.lang });
        if (!out.json) process.stdout.write(`${proposal.summary.join('\n')}\n`);
        const approve = o.yes === true || (await confirm('Share this?'));
        const outcome = await w.respond(opened, w.decide(proposal, { approve }), { fetch });
        return { proposal, outcome };
      });
      const shared = result.outcome.shared ? result.proposal.items.flatMap((i) => i.shared.map((s) => s.label)) : [];
      out.result(
        { shared: result.outcome.shared, verifier: result.proposal.verifier, claims: shared, ...(result.outcome.redirectUri ? { redirect_uri: result.outcome.redirectUri } : {}) },
        () => (result.outcome.shared ? `Sent to ${result.proposal.verifier.name ?? result.proposal.verifier.clientId}: ${shared.join(', ')}.` : 'Declined: nothing was shared; the verifier was told.') + (result.outcome.redirectUri ? `\nContinue at ${result.outcome.redirectUri}` : ''),
      );
    },
  );

  action<WalletFlag & { clear?: boolean }>(walletOption(wallet.command('history').description('what was shared with whom, and when').option('--clear', 'erase the history')), async (o, out) => {
    const history = await withWallet(o.wallet, async (w) => {
      if (o.clear) await w.clearHistory();
      return w.history();
    });
    out.result({ history }, () =>
      history.length === 0 ? 'No presentations recorded.' : history.map((h) => `${h.at.slice(0, 19).replace('T', ' ')}  ${h.verifier.name ?? h.verifier.clientId}: ${h.claims.map((c) => c.label).join(', ')}  (${h.purpose})`).join('\n'),
    );
  });

  action<WalletFlag & { out: string; recovery?: boolean }>(
    walletOption(wallet.command('backup').description('write an encrypted backup').requiredOption('--out <file>', 'backup file').option('--recovery', 'encrypt with a new recovery secret instead of the passphrase')),
    async (o, out) => {
      const secret = o.recovery ? generateRecoverySecret() : undefined;
      const bytes = await withWallet(o.wallet, async (w) => w.exportBackup(secret ?? (await readPassphrase())));
      await writeOutput(o.out, Buffer.from(bytes).toString('utf8'), 0o600);
      out.result({ out: o.out, ...(secret ? { recoverySecret: secret } : {}) }, () =>
        secret ? `Backup written to ${o.out}.\nRecovery secret (write it down; it is shown only once):\n  ${secret}` : `Backup written to ${o.out} (encrypted with the wallet passphrase).`,
      );
    },
  );

  action<WalletFlag & { recovery?: boolean }>(
    walletOption(wallet.command('restore <backup>').description('restore a backup into a new wallet file').option('--recovery', 'the backup uses a recovery secret')),
    async (o, out, [file]) => {
      const bytes = await readFileBytes(file!);
      const secret = o.recovery ? (process.env[RECOVERY_ENV] || (await readPassphrase({ label: 'Recovery secret' }))) : await readPassphrase({ label: 'Passphrase of the backed-up wallet' });
      const passphrase = await readPassphrase({ confirm: true, label: 'New wallet passphrase' });
      const storage = await openFileStorage(o.wallet);
      try {
        const restored = await restoreBackup(bytes, secret, storage, passphrase, options);
        out.result({ wallet: o.wallet, credentials: restored.list().length }, () => `Restored ${restored.list().length} credential(s) into ${o.wallet}.`);
      } finally {
        await storage.close?.();
      }
    },
  );
}
