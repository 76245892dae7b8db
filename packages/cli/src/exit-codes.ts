/**
 * The `sanad` exit codes. Stable: scripts depend on them (documented in docs/cli.md).
 */
// The errors module alone (no crypto, no parsers): `sanad --help` loads this file and must stay light.
import { isSanadError } from '@sanad/core/errors';

export const EXIT = {
  /** Success; for `verify`, the presentation was accepted. */
  OK: 0,
  /** The presentation (or credential) was checked and rejected. */
  REJECTED: 1,
  /** Bad usage or bad input: unknown option, unreadable file, wrong passphrase... */
  BAD_INPUT: 2,
  /** Something failed that is not the caller's fault (storage, environment, a bug). */
  INTERNAL: 3,
  /** Stopped cleanly by a signal before the end (128 + the signal's number, as shells report it). */
  HANGUP: 129,
  INTERRUPTED: 130,
  TERMINATED: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code for a thrown value, from the error's category in core's error table. */
export function exitCodeFor(err: unknown): ExitCode {
  if (!isSanadError(err)) return EXIT.INTERNAL;
  switch (err.category) {
    case 'verification':
      return EXIT.REJECTED;
    case 'input':
      return EXIT.BAD_INPUT;
    case 'internal':
      return EXIT.INTERNAL;
  }
}

/** The exit code of a run stopped cleanly by `signal` (SIGHUP 129, SIGINT 130, SIGTERM 143). */
export function exitCodeForSignal(signal: 'SIGHUP' | 'SIGINT' | 'SIGTERM'): ExitCode {
  return signal === 'SIGHUP'
    ? EXIT.HANGUP
    : signal === 'SIGINT'
      ? EXIT.INTERRUPTED
      : EXIT.TERMINATED;
}
