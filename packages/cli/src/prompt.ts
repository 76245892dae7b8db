/**
 * Questions to the person at the terminal: the wallet passphrase (never a command-line
 * argument, which would land in shell history and `ps`), the recovery secret, the offer's PIN and
 * yes/no confirmations. The wallet commands pass the words in the holder's language.
 */
import { createInterface } from 'node:readline';
import { SanadError, type SanadErrorCode } from '@sanad/core';

export const PASSPHRASE_ENV = 'SANAD_WALLET_PASSPHRASE';
export const RECOVERY_ENV = 'SANAD_RECOVERY_SECRET';
export const TX_CODE_ENV = 'SANAD_TX_CODE';

function ask(question: string, hidden: boolean): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    if (hidden) {
      // Echo nothing while the secret is typed.
      (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
        if (s.includes(question)) process.stderr.write(question);
      };
    }
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) process.stderr.write('\n');
      resolve(answer);
    });
  });
}

/** The wallet passphrase from SANAD_WALLET_PASSPHRASE, else asked for on the terminal. */
export async function readPassphrase(
  options: { confirm?: boolean; label?: string; repeatLabel?: string } = {},
): Promise<string> {
  const fromEnv = process.env[PASSPHRASE_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) {
    throw new SanadError(
      'ERR_INVALID_INPUT',
      `No passphrase: set ${PASSPHRASE_ENV} or run in a terminal to be asked.`,
    );
  }
  const label = options.label ?? 'Wallet passphrase';
  const first = await ask(`${label}: `, true);
  if (options.confirm) {
    const second = await ask(`${options.repeatLabel ?? `Repeat ${label.toLowerCase()}`}: `, true);
    if (first !== second) throw new SanadError('ERR_INVALID_INPUT', 'The two passphrases differ.');
  }
  return first;
}

/**
 * A backup's recovery secret from SANAD_RECOVERY_SECRET, else asked for, hidden. Never the
 * wallet passphrase from the environment: that is another secret.
 */
export async function readRecoverySecret(label = 'Recovery secret'): Promise<string> {
  const fromEnv = process.env[RECOVERY_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY)
    throw new SanadError(
      'ERR_INVALID_INPUT',
      `No recovery secret: set ${RECOVERY_ENV} or run in a terminal to be asked.`,
    );
  return ask(`${label}: `, true);
}

/** The transaction code (PIN) of a credential offer: from SANAD_TX_CODE, else asked for, hidden. */
export async function readTxCode(label: string): Promise<string> {
  const fromEnv = process.env[TX_CODE_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY)
    throw new SanadError(
      'ERR_TX_CODE_REQUIRED',
      `This offer needs its transaction code: set ${TX_CODE_ENV} or run in a terminal to be asked.`,
    );
  return (await ask(`${label}: `, true)).trim();
}

export interface ConfirmOptions {
  /** The choices shown after the question, e.g. "[y/N]" or "[o/N]". */
  choices?: string;
  /** Answers that mean yes, already normalised by `normalize`; anything else means no. */
  yes?: readonly string[];
  normalize?: (answer: string) => string;
  /** The refusal when there is no terminal to ask on. */
  refusal?: { code: SanadErrorCode; message: string };
}

/** Asks a yes/no question (default no); refuses (rather than assumes) when there is no terminal. */
export async function confirm(question: string, options: ConfirmOptions = {}): Promise<boolean> {
  if (!process.stdin.isTTY) {
    const refusal = options.refusal ?? {
      code: 'ERR_CONSENT_REQUIRED',
      message:
        'Consent is needed: run in a terminal to be asked, or pass --yes after reading the summary.',
    };
    throw new SanadError(refusal.code, refusal.message);
  }
  const normalize = options.normalize ?? ((a: string) => a.trim().toLowerCase());
  const answer = normalize(await ask(`${question} ${options.choices ?? '[y/N]'} `, false));
  return (options.yes ?? ['y', 'yes']).includes(answer);
}
