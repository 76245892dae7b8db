/**
 * `sanad wallet …`: the holder's encrypted wallet in one file, in the holder's language (`--lang`,
 * else the locale): every line people read comes from the messages the web wallet uses.
 */
import type { Command } from 'commander';
import {
  encodeOfflinePresentation,
  type HolderKeyList,
  SanadError,
  type SignatureAlgorithm,
} from '@sanad/core';
import { parsePresentationRequest } from '@sanad/verifier';
import {
  combineGuardianShares,
  createWallet,
  generateRecoverySecret,
  MAX_GUARDIANS,
  openWallet,
  type PresentationProposal,
  restoreBackup,
  splitRecoverySecret,
  type Wallet,
  type WalletOptions,
} from '@sanad/wallet';
import { createTranslator, type Translator } from '@sanad/wallet/messages';
import { nodeScrypt, openFileStorage } from '@sanad/wallet/node';
import { action, type CommonOptions, wholeNumber } from '../command.js';
import { exitCodeFor, type ExitCode } from '../exit-codes.js';
import { readInput, readInputBytes, readJson, writeOutput } from '../io.js';
import {
  chooseLanguage,
  holderErrorText,
  languageFromEnvironment,
  languageOption,
  normalizeAnswer,
  terminalText,
  yesAnswers,
} from '../language.js';
import { protocolFetch } from '../protocol-fetch.js';
import { createOutput, type Output } from '../output.js';
import { confirm, readPassphrase, readRecoverySecret, readTxCode } from '../prompt.js';
import { qrSvg, renderQr } from '../qr.js';
import { type RegistryFlags, registryFromOptions, registryOptions } from './verifier-registry.js';

const DEFAULT_WALLET = 'sanad-wallet.json';
const options: WalletOptions = { kdf: nodeScrypt };
const LRM = '\u200e';

interface WalletFlag {
  wallet: string;
  lang?: string;
}

/**
 * Registers a wallet command: `--lang` chosen (an unknown one is a usage error), people's output
 * and errors in that language, `--json` language-neutral (stable keys, neutral error messages).
 */
function holderAction<O extends WalletFlag>(
  cmd: Command,
  fn: (o: O & CommonOptions, out: Output, args: string[], tr: Translator) => Promise<void>,
): Command {
  return action<O>(languageOption(cmd), async (o, given, args): Promise<ExitCode | void> => {
    let tr: Translator;
    try {
      tr = createTranslator(chooseLanguage(o.lang));
    } catch (err) {
      createOutput({
        json: given.json,
        describe: (report) => holderErrorText(createTranslator(languageFromEnvironment()), report),
      }).error(err);
      return exitCodeFor(err);
    }
    const out = createOutput({
      json: given.json,
      describe: (report) => holderErrorText(tr, report),
    });
    try {
      await fn(o, out, args, tr);
    } catch (err) {
      out.error(err);
      return exitCodeFor(err);
    }
  });
}

/** Opens the wallet (taking its lock), runs `fn`, and always releases it. */
async function withWallet<T>(
  path: string,
  tr: Translator,
  fn: (wallet: Wallet) => Promise<T>,
): Promise<T> {
  const storage = await openFileStorage(path);
  try {
    return await fn(
      await openWallet(
        storage,
        await readPassphrase({ label: tr.t('cli.prompt.passphrase') }),
        options,
      ),
    );
  } finally {
    await storage.close?.();
  }
}

const newPassphrase = (tr: Translator): Promise<string> =>
  readPassphrase({
    confirm: true,
    label: tr.t('cli.prompt.newPassphrase'),
    repeatLabel: tr.t('setup.confirm'),
  });

/** "Share this? [y/N]" in the holder's language; no terminal means no consent. */
const askConsent = (tr: Translator): Promise<boolean> =>
  confirm(terminalText(tr, [tr.t('cli.confirm.share')]), {
    choices: tr.t('cli.confirm.choices'),
    yes: yesAnswers(tr),
    normalize: normalizeAnswer,
    refusal: {
      code: 'ERR_CONSENT_REQUIRED',
      message:
        'Consent is needed: run in a terminal to be asked, or pass --yes after reading the summary.',
    },
  });

/** Shows the consent summary where the holder reads it: stdout, or stderr when stdout carries JSON. */
function showSummary(
  out: Output,
  tr: Translator,
  proposal: PresentationProposal,
  willAsk: boolean,
): void {
  if (!out.json) process.stdout.write(`${terminalText(tr, proposal.summary)}\n`);
  else if (willAsk) process.stderr.write(`${terminalText(tr, proposal.summary)}\n`);
}

const walletOption = (cmd: Command): Command =>
  cmd.option('--wallet <file>', 'wallet file', DEFAULT_WALLET);

const allowHttpOption = (cmd: Command): Command =>
  cmd.option('--allow-http', 'allow http:// and local addresses (a local sandbox only)');

export function registerWalletCommands(program: Command): void {
  const wallet = program
    .command('wallet')
    .description(
      "the holder's encrypted wallet (passphrase from SANAD_WALLET_PASSPHRASE or a prompt)",
    );

  holderAction<WalletFlag>(
    walletOption(wallet.command('init').description('create an empty encrypted wallet')),
    async (o, out, _args, tr) => {
      const storage = await openFileStorage(o.wallet);
      try {
        await createWallet(storage, await newPassphrase(tr), options);
      } finally {
        await storage.close?.();
      }
      out.result({ wallet: o.wallet }, () =>
        terminalText(tr, [tr.t('cli.init.done', { file: o.wallet })]),
      );
    },
  );

  holderAction<WalletFlag & { count: number; alg: SignatureAlgorithm; out: string }>(
    walletOption(
      wallet
        .command('keys')
        .description('make fresh holder keys, one per credential copy, for the issuer')
        .option('--count <n>', 'how many keys', wholeNumber(100), 1)
        .option('--alg <alg>', 'ES256 or EdDSA', 'ES256')
        .requiredOption('--out <file>', 'where to write the public keys'),
    ),
    async (o, out, _args, tr) => {
      if (o.alg !== 'ES256' && o.alg !== 'EdDSA')
        throw new SanadError('ERR_UNSUPPORTED_ALGORITHM', '--alg must be ES256 or EdDSA.');
      const keys = await withWallet(o.wallet, tr, (w) => w.createHolderKeys(o.count, o.alg));
      const list: HolderKeyList = { type: 'sanad-holder-keys', version: 1, keys };
      await writeOutput(o.out, JSON.stringify(list, null, 2));
      out.result({ keys, out: o.out }, () =>
        terminalText(tr, [tr.t('cli.keys.done', { file: o.out, count: keys.length })]),
      );
    },
  );

  holderAction<WalletFlag>(
    walletOption(
      wallet
        .command('import <file>')
        .description('import a credential bundle or a bare SD-JWT VC / VC-JWT'),
    ),
    async (o, out, [file], tr) => {
      const input = await readInput(file!);
      const { summary, name } = await withWallet(o.wallet, tr, async (w) => {
        const imported = await w.import(input);
        return {
          summary: imported,
          name: w.list(tr.language).find((c) => c.id === imported.id)?.name ?? imported.name,
        };
      });
      out.result(summary, () =>
        terminalText(tr, [
          tr.t('cli.import.done', { name, id: summary.id, copies: summary.copies }),
          ...(summary.issuerSignatureChecked ? [] : [tr.t('cli.import.unchecked')]),
        ]),
      );
    },
  );

  holderAction<WalletFlag>(
    walletOption(wallet.command('list').description('the credentials held')),
    async (o, out, _args, tr) => {
      const list = await withWallet(o.wallet, tr, async (w) => w.list(tr.language));
      out.result({ credentials: list, language: tr.language }, () =>
        terminalText(
          tr,
          list.length === 0
            ? [tr.t('cli.list.empty', { command: "sanad wallet receive '<offer link>'" })]
            : list.map((c) =>
                [
                  tr.text(c.id),
                  tr.text(c.name),
                  tr.t('card.copies', { unused: c.unusedCopies, copies: c.copies }),
                  ...(c.validUntil
                    ? [tr.t('card.validUntil', { date: tr.date(c.validUntil) })]
                    : []),
                ].join('  '),
              ),
        ),
      );
    },
  );

  holderAction<WalletFlag>(
    walletOption(wallet.command('show <id>').description('one credential with its claims')),
    async (o, out, [id], tr) => {
      const details = await withWallet(o.wallet, tr, async (w) => w.show(id!, tr.language));
      out.result({ ...details, language: tr.language }, () =>
        terminalText(tr, [
          `${tr.text(details.name)}  (${tr.text(details.id)})`,
          `  ${tr.t('card.issuer', { issuer: details.issuerName ?? details.issuer })}`,
          ...(details.validUntil
            ? [`  ${tr.t('card.validUntil', { date: tr.date(details.validUntil) })}`]
            : []),
          `  ${tr.t('card.copies', { unused: details.unusedCopies, copies: details.copies })}`,
          `  ${tr.t('credential.claims')}`,
          ...details.claims.map(
            (c) => `    ${tr.t('cli.show.claim', { label: c.label, value: tr.value(c.value) })}`,
          ),
        ]),
      );
    },
  );

  holderAction<WalletFlag & { yes?: boolean }>(
    walletOption(
      wallet
        .command('delete <id>')
        .description('delete a credential and all its copies, after asking')
        .option('--yes', 'delete without asking'),
    ),
    async (o, out, [id], tr) => {
      const result = await withWallet(o.wallet, tr, async (w) => {
        const { name } = w.show(id!, tr.language);
        const agreed =
          o.yes === true ||
          (await confirm(terminalText(tr, [tr.t('cli.delete.confirm', { name, id: id! })]), {
            choices: tr.t('cli.confirm.choices'),
            yes: yesAnswers(tr),
            normalize: normalizeAnswer,
            refusal: {
              code: 'ERR_CONFIRMATION_REQUIRED',
              message: 'Deleting cannot be undone: run in a terminal to be asked, or pass --yes.',
            },
          }));
        if (agreed) await w.delete(id!);
        return { name, agreed };
      });
      out.result({ deleted: result.agreed ? id : null }, () =>
        terminalText(tr, [
          result.agreed
            ? tr.t('cli.delete.done', { name: result.name, id: id! })
            : tr.t('cli.delete.kept'),
        ]),
      );
    },
  );

  holderAction<
    WalletFlag &
      RegistryFlags & { request: string; out: string; yes?: boolean; qr?: boolean; qrSvg?: string }
  >(
    registryOptions(
      walletOption(
        wallet
          .command('present')
          .description(
            'answer a presentation request from a file, after showing what will be shared',
          )
          .requiredOption('--request <file>', 'the presentation request')
          .requiredOption('--out <file>', 'where to write the presentation')
          .option(
            '--qr',
            'for a verifier with no network: write one compact SANAD1: code and show it as a QR code',
          )
          .option('--qr-svg <file>', 'also write the QR code as an SVG image (with --qr)')
          .option('--yes', 'agree after printing the summary (no question asked)'),
      ),
    ),
    async (o, out, _args, tr) => {
      const request = parsePresentationRequest(await readJson(o.request));
      const registry = await registryFromOptions(o);
      const result = await withWallet(o.wallet, tr, async (w) => {
        const proposal = w.propose(request, { locale: tr.language, registry });
        showSummary(out, tr, proposal, o.yes !== true);
        const approve = o.yes === true || (await askConsent(tr));
        const response = await w.present(w.decide(proposal, { approve }));
        return { proposal, response };
      });
      const shared = result.proposal.items.flatMap((i) => i.shared.map((s) => s.label));
      const summary = {
        out: o.out,
        verifier: result.proposal.verifier,
        purpose: result.proposal.purpose,
        shared,
        summary: result.proposal.summary,
        language: tr.language,
      };
      if (!o.qr) {
        await writeOutput(o.out, JSON.stringify(result.response, null, 2));
        out.result(summary, () => terminalText(tr, [tr.t('cli.present.written', { file: o.out })]));
        return;
      }
      const presentations = Object.values(result.response.vp_token).flat();
      if (presentations.length !== 1)
        throw new SanadError(
          'ERR_INVALID_INPUT',
          'An offline QR code carries one presentation; this request asks for several credentials.',
        );
      const compact = encodeOfflinePresentation(presentations[0]!);
      const qr = await renderQr(compact);
      await writeOutput(o.out, compact);
      if (o.qrSvg) await writeOutput(o.qrSvg, await qrSvg(compact));
      // The code itself stays left to right, or a bidi terminal would mirror it.
      const code =
        tr.dir === 'rtl'
          ? qr.terminal
              .split('\n')
              .map((row) => `${LRM}${row}`)
              .join('\n')
          : qr.terminal;
      out.result(
        { ...summary, qr: { characters: qr.length, version: qr.version, error_correction: 'L' } },
        () =>
          [
            terminalText(tr, [tr.t('offline.title')]),
            code,
            terminalText(tr, [
              tr.t('cli.present.qr', { characters: qr.length, version: qr.version, file: o.out }),
            ]),
          ].join('\n'),
      );
    },
  );

  holderAction<WalletFlag & { copies: number; allowHttp?: boolean }>(
    allowHttpOption(
      walletOption(
        wallet
          .command('receive <offer>')
          .description(
            'receive a credential from an OpenID4VCI offer (openid-credential-offer:// link); asks for the PIN (or SANAD_TX_CODE)',
          )
          .option(
            '--copies <n>',
            'copies to ask for, one per future presentation',
            wholeNumber(10),
            3,
          ),
      ),
    ),
    async (o, out, [offer], tr) => {
      const fetch = protocolFetch(o.allowHttp);
      const txCode = (hint: { length?: number; description?: string }) => {
        const label = hint.description ?? tr.t('cli.prompt.txCode');
        return readTxCode(
          terminalText(tr, [
            hint.length
              ? tr.t('cli.prompt.length', { label, length: hint.length })
              : tr.text(label),
          ]),
        );
      };
      const { summary, card } = await withWallet(o.wallet, tr, async (w) => {
        const received = await w.receive(offer!, { fetch, copies: o.copies, txCode });
        return { summary: received, card: w.list(tr.language).find((c) => c.id === received.id) };
      });
      out.result(summary, () =>
        terminalText(tr, [
          tr.t('cli.receive.done', {
            name: card?.name ?? summary.name,
            issuer: card?.issuerName ?? summary.issuerName ?? summary.issuer,
            id: summary.id,
            copies: summary.copies,
          }),
        ]),
      );
    },
  );

  holderAction<WalletFlag & RegistryFlags & { yes?: boolean; allowHttp?: boolean }>(
    registryOptions(
      allowHttpOption(
        walletOption(
          wallet
            .command('respond <request>')
            .description(
              'answer an OpenID4VP request (openid4vp:// link): shows what will be shared, asks, then sends',
            )
            .option('--yes', 'agree after printing the summary (no question asked)'),
        ),
      ),
    ),
    async (o, out, [uri], tr) => {
      const fetch = protocolFetch(o.allowHttp);
      const registry = await registryFromOptions(o);
      const result = await withWallet(o.wallet, tr, async (w) => {
        const opened = await w.openRequest(uri!, { fetch });
        const proposal = w.propose(opened.request, { locale: tr.language, registry });
        showSummary(out, tr, proposal, o.yes !== true);
        const approve = o.yes === true || (await askConsent(tr));
        const outcome = await w.respond(opened, w.decide(proposal, { approve }), { fetch });
        return { proposal, outcome };
      });
      const shared = result.outcome.shared
        ? result.proposal.items.flatMap((i) => i.shared.map((s) => s.label))
        : [];
      const { registration, clientId } = result.proposal.verifier;
      const verifier = registration.status === 'registered' ? registration.name : clientId;
      out.result(
        {
          shared: result.outcome.shared,
          verifier: result.proposal.verifier,
          claims: shared,
          language: tr.language,
          ...(result.outcome.redirectUri ? { redirect_uri: result.outcome.redirectUri } : {}),
        },
        () =>
          terminalText(tr, [
            result.outcome.shared
              ? tr.t('cli.respond.sent', { verifier, claims: tr.list(shared) })
              : tr.t('consent.declined'),
            ...(result.outcome.redirectUri
              ? [tr.t('cli.respond.continue', { url: result.outcome.redirectUri })]
              : []),
          ]),
      );
    },
  );

  holderAction<WalletFlag & { clear?: boolean }>(
    walletOption(
      wallet
        .command('history')
        .description('what was shared with whom, and when')
        .option('--clear', 'erase the history'),
    ),
    async (o, out, _args, tr) => {
      const history = await withWallet(o.wallet, tr, async (w) => {
        if (o.clear) await w.clearHistory();
        return w.history(tr.language);
      });
      out.result({ history, language: tr.language }, () =>
        terminalText(
          tr,
          history.length === 0
            ? [tr.t('history.empty')]
            : history.flatMap((h) => [
                tr.t('history.entry', {
                  verifier: h.verifier.name ?? h.verifier.clientId,
                  date: tr.date(h.at, { withTime: true }),
                }),
                `  ${tr.t('history.purpose', { purpose: h.purpose })}`,
                `  ${tr.t('cli.history.shared', { claims: tr.list(h.claims.map((c) => c.label)) })}`,
              ]),
        ),
      );
    },
  );

  holderAction<WalletFlag & { out: string; recovery?: boolean }>(
    walletOption(
      wallet
        .command('backup')
        .description('write an encrypted backup')
        .requiredOption('--out <file>', 'backup file')
        .option('--recovery', 'encrypt with a new recovery secret instead of the passphrase'),
    ),
    async (o, out, _args, tr) => {
      const secret = o.recovery ? generateRecoverySecret() : undefined;
      const bytes = await withWallet(o.wallet, tr, async (w) =>
        w.exportBackup(secret ?? (await readPassphrase({ label: tr.t('cli.prompt.passphrase') }))),
      );
      await writeOutput(o.out, Buffer.from(bytes).toString('utf8'), 0o600);
      out.result({ out: o.out, ...(secret ? { recoverySecret: secret } : {}) }, () =>
        // The secret on a line of its own with no marks: it must copy and type back exactly.
        secret
          ? `${terminalText(tr, [tr.t('cli.backup.recoveryDone', { file: o.out }), tr.t('settings.backupSecret')])}\n  ${secret}`
          : terminalText(tr, [tr.t('cli.backup.done', { file: o.out })]),
      );
    },
  );

  holderAction<WalletFlag & { out: string; shares: number; threshold: number }>(
    walletOption(
      wallet
        .command('guardians')
        .description(
          'guardians: a backup whose recovery secret is split into shares, any few of which rebuild it',
        )
        .command('split')
        .description(
          'write a backup under a new recovery secret and split that secret into one share per guardian',
        )
        .requiredOption('--out <file>', 'backup file')
        .requiredOption(
          '--shares <n>',
          `how many guardians (2 to ${MAX_GUARDIANS})`,
          wholeNumber(MAX_GUARDIANS),
        )
        .requiredOption(
          '--threshold <k>',
          'how many of them rebuild the secret (2 to --shares)',
          wholeNumber(MAX_GUARDIANS),
        ),
    ),
    async (o, out, _args, tr) => {
      const secret = generateRecoverySecret();
      // Split first: a wrong --shares or --threshold writes nothing.
      const shares = await splitRecoverySecret(secret, {
        shares: o.shares,
        threshold: o.threshold,
      });
      const bytes = await withWallet(o.wallet, tr, (w) => w.exportBackup(secret));
      await writeOutput(o.out, Buffer.from(bytes).toString('utf8'), 0o600);
      out.result({ out: o.out, threshold: o.threshold, shares }, () =>
        // Each share on a line of its own with no marks, like the recovery secret.
        [
          terminalText(tr, [
            tr.t('cli.guardians.done', { file: o.out, threshold: o.threshold, shares: o.shares }),
          ]),
          ...shares.flatMap((share, i) => [
            terminalText(tr, [tr.t('cli.guardians.share', { index: i + 1 })]),
            `  ${share}`,
          ]),
        ].join('\n'),
      );
    },
  );

  holderAction<WalletFlag & { recovery?: boolean; share: string[] }>(
    walletOption(
      wallet
        .command('restore <backup>')
        .description('restore a backup into a new wallet file')
        .option(
          '--recovery',
          'the backup uses a recovery secret (any case; spaces or dashes between the groups)',
        )
        .option(
          '--share <share>',
          "a guardian's share, instead of the recovery secret (repeat for each guardian)",
          (share: string, shares: string[]) => [...shares, share],
          [],
        ),
    ),
    async (o, out, [file], tr) => {
      const bytes = new Uint8Array(await readInputBytes(file!));
      const secret =
        o.share.length > 0
          ? await combineGuardianShares(o.share)
          : o.recovery
            ? await readRecoverySecret(tr.t('restore.secret'))
            : await readPassphrase({ label: tr.t('cli.prompt.backupPassphrase') });
      const passphrase = await newPassphrase(tr);
      const storage = await openFileStorage(o.wallet);
      try {
        const restored = await restoreBackup(bytes, secret, storage, passphrase, options);
        const count = restored.list().length;
        out.result({ wallet: o.wallet, credentials: count }, () =>
          terminalText(tr, [tr.t('cli.restore.done', { file: o.wallet, count })]),
        );
      } finally {
        await storage.close?.();
      }
    },
  );
}
