/**
 * Questions to the person at the terminal: the wallet passphrase (never a command-line
 * argument, which would land in shell history and `ps`) and the consent confirmation.
 */
import { createInterface } from 'node:readline';
import { SanadError } from '@sanad/core';

export const PASSPHRASE_ENV = 'SANAD_WALLET_PASSPHRASE';

function ask(question: string, hidden: boolean): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    if (hidden) {
      // Echo nothing while the passphrase is typed.
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
export async function readPassphrase(options: { confirm?: boolean; label?: string } = {}): Promise<string> {
  const fromEnv = process.env[PASSPHRASE_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) {
    throw new SanadError('ERR_INVALID_INPUT', `No passphrase: set ${PASSPHRASE_ENV} or run in a terminal to be asked.`);
  }
  const label = options.label ?? 'Wallet passphrase';
  const first = await ask(`${label}: `, true);
  if (options.confirm) {
    const second = await ask(`Repeat ${label.toLowerCase()}: `, true);
    if (first !== second) throw new SanadError('ERR_INVALID_INPUT', 'The two passphrases differ.');
  }
  return first;
}

export const TX_CODE_ENV = 'SANAD_TX_CODE';

/** The transaction code (PIN) of a credential offer: from SANAD_TX_CODE, else asked for, hidden. */
export async function readTxCode(hint: { length?: number; description?: string }): Promise<string> {
  const fromEnv = process.env[TX_CODE_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return fromEnv;
  if (!process.stdin.isTTY) throw new SanadError('ERR_TX_CODE_REQUIRED', `This offer needs its transaction code: set ${TX_CODE_ENV} or run in a terminal to be asked.`);
  const label = hint.description ?? 'Transaction code (PIN)';
  return (await ask(`${label}${hint.length ? ` (${hint.length} characters)` : ''}: `, true)).trim();
}

/** Asks a yes/no question; refuses (rather than assumes) when there is no terminal. */
export async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) {
    throw new SanadError('ERR_CONSENT_REQUIRED', 'Consent is needed: run in a terminal to be asked, or pass --yes after reading the summary.');
  }
  const answer = await ask(`${question} [y/N] `, false);
  return /^y(es)?$/i.test(answer.trim());
}
