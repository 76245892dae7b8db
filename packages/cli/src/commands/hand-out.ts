/**
 * After a registration drive: `sanad issuer hand-out` splits the results into one bundle file
 * per person (what `sanad wallet import` reads), and `sanad issuer destroy-results` destroys the
 * results and those files once everyone has theirs. The results file holds every person's
 * claims; it should live no longer than the hand-out takes.
 */
import { mkdir, readdir, readFile, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { type CredentialBundle, formatOf, SanadError } from '@sanad/core';
import { createFile, replaceFile } from '@sanad/core/node';
import { action } from '../command.js';
import { lockOwner, syncFile, wipeFile } from '../drive/durable-files.js';
import { journalPathOf, lockPathOf, readJournal, reopenJournal } from '../drive/journal.js';
import { isIssued, readResults } from '../drive/results-file.js';

/** How every bundle file hand-out writes begins: destroy-results removes only such files. */
const BUNDLE_PREFIX = '{\n  "type": "sanad-credential-bundle"';

/** Refuses while a drive process is still writing these results. */
async function refuseWhileRunning(results: string): Promise<void> {
  const owner = await lockOwner(lockPathOf(results));
  if (owner !== undefined)
    throw new SanadError(
      'ERR_BATCH_IN_PROGRESS',
      `The drive writing ${results} is still running (process ${owner}); stop it first (Ctrl-C).`,
    );
}

/** A top-level claim of the bundle's first copy (every copy carries the same claims). */
function claimOf(bundle: CredentialBundle, claim: string): unknown {
  const first = bundle.credentials[0];
  if (typeof first !== 'string') return undefined;
  const claims = formatOf(bundle.format).claimsOf(first);
  return Object.hasOwn(claims, claim) ? claims[claim] : undefined;
}

/** A safe file name from a claim value: letters, digits, `.`, `_`, `-`; never hidden, never a path. */
function fileNameFrom(value: unknown): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const name = String(value)
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}._-]+/gu, '_')
    .replace(/^[._]+/, '')
    .slice(0, 120);
  return name === '' ? undefined : `${name}.json`;
}

const count = (n: number): string => n.toLocaleString('en-US');

const lineFileName = (line: number): string => `line-${String(line).padStart(6, '0')}.json`;

/** Writes `content` to a new file (0600); a file already there is kept if identical, completed if cut short by an earlier version, else refused. */
async function writeBundleFile(path: string, content: string): Promise<'written' | 'present'> {
  try {
    await createFile(path, content, 0o600);
    return 'written';
  } catch (cause) {
    if ((cause as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new SanadError('ERR_INVALID_INPUT', `Cannot write ${path}.`, { cause });
  }
  const existing = await readFile(path, 'utf8');
  if (existing === content) return 'present';
  if (!content.startsWith(existing))
    throw new SanadError(
      'ERR_OUTPUT_EXISTS',
      `${path} already exists with other content; it is never overwritten.`,
    );
  await replaceFile(path, content, 0o600);
  return 'written';
}

interface HandOutOptions {
  results: string;
  out: string;
  nameBy?: string;
  unfinished?: boolean;
}

interface DestroyOptions {
  results: string;
  handOut?: string;
  withJournal?: boolean;
}

/** Registers `issuer hand-out` and `issuer destroy-results` on the `issuer` command. */
export function registerHandOutCommands(issuer: Command): void {
  action<HandOutOptions>(
    issuer
      .command('hand-out')
      .description(
        "split a drive's results into one bundle file per person, for `sanad wallet import`",
      )
      .requiredOption('--results <file>', 'the results of `sanad issuer issue-batch`')
      .requiredOption('--out <folder>', 'where to write the bundle files (line-000012.json …)')
      .option(
        '--name-by <claim>',
        'name each file by this claim instead of the line number, e.g. case_number',
      )
      .option(
        '--unfinished',
        'hand out the lines of a drive that has not finished (normally refused)',
      ),
    async (o, out) => {
      await refuseWhileRunning(o.results);
      const journal = await readJournal(journalPathOf(o.results));
      if (journal?.destroyed)
        throw new SanadError(
          'ERR_BATCH_DESTROYED',
          `The results ${o.results} were destroyed (${journal.destroyed.at}).`,
        );
      if (!journal?.complete && !o.unfinished) {
        throw new SanadError(
          'ERR_BATCH_UNFINISHED',
          journal
            ? `The drive writing ${o.results} has not finished: run the same \`sanad issuer issue-batch\` command again to finish it, or give --unfinished to hand out the lines done so far.`
            : `There is no drive journal beside ${o.results}, so whether the drive finished is unknown; give --unfinished to hand out what it holds.`,
        );
      }

      // A drive killed with SIGKILL left its last results unflushed: a power cut after this hand-out
      // must not lose lines whose bundles were handed out (a resume would revoke them).
      await syncFile(o.results);
      // First pass: every name is known and distinct before anything is written.
      const names = new Map<string, number>();
      let results = 0;
      const refused: number[] = [];
      for await (const result of readResults(o.results)) {
        results += 1;
        if (!isIssued(result)) {
          refused.push(result.line);
          continue;
        }
        const name =
          o.nameBy === undefined
            ? lineFileName(result.line)
            : fileNameFrom(claimOf(result.bundle, o.nameBy));
        if (name === undefined)
          throw new SanadError(
            'ERR_HANDOUT_NAME_INVALID',
            `Line ${result.line} has no usable "${o.nameBy}" claim to name its file.`,
          );
        const key = name.toLowerCase(); // case-insensitive file systems
        const other = names.get(key);
        if (other !== undefined)
          throw new SanadError(
            'ERR_HANDOUT_NAME_INVALID',
            `Lines ${other} and ${result.line} would get the same file name with --name-by ${o.nameBy}.`,
          );
        names.set(key, result.line);
      }
      if (journal?.complete && results !== journal.complete.issued + journal.complete.refused) {
        throw new SanadError(
          'ERR_BATCH_JOURNAL_INVALID',
          `${o.results} holds ${results} results but its drive finished with ${journal.complete.issued + journal.complete.refused}: the file is damaged.`,
        );
      }

      await mkdir(o.out, { recursive: true, mode: 0o700 });
      let written = 0;
      let present = 0;
      // Line -> batch id -> file: what the case-management system keeps to revoke a person's credential later.
      const files: Array<{ line: number; batchId: string; file: string }> = [];
      for await (const result of readResults(o.results)) {
        if (!isIssued(result)) continue;
        const name =
          o.nameBy === undefined
            ? lineFileName(result.line)
            : fileNameFrom(claimOf(result.bundle, o.nameBy))!;
        if (
          (await writeBundleFile(
            join(o.out, name),
            `${JSON.stringify(result.bundle, null, 2)}\n`,
          )) === 'written'
        )
          written += 1;
        else present += 1;
        if (out.json) files.push({ line: result.line, batchId: result.batchId, file: name });
      }
      const finished = journal?.complete !== undefined;
      const summary = {
        out: o.out,
        bundles: written + present,
        written,
        alreadyThere: present,
        refusedLines: refused,
        finished,
        files,
      };
      out.result(summary, () =>
        [
          `Wrote ${count(written)} bundle file(s) to ${o.out}${present > 0 ? ` (${count(present)} already there)` : ''}: one per person, each for that person only.`,
          ...(refused.length > 0
            ? [
                `  ${count(refused.length)} refused line(s) have no bundle (first: line ${refused[0]}).`,
              ]
            : []),
          ...(finished
            ? []
            : ['  The drive has not finished: lines after the last result have no bundle yet.']),
          `  The person's wallet imports theirs with \`sanad wallet import <file>\`. When everyone has theirs, destroy the files and the results:`,
          `  sanad issuer destroy-results --results ${o.results} --hand-out ${o.out}`,
        ].join('\n'),
      );
    },
  );

  action<DestroyOptions>(
    issuer
      .command('destroy-results')
      .description(
        "overwrite and delete a drive's results (and the hand-out bundle files); the journal, which holds no personal data, is kept unless --with-journal",
      )
      .requiredOption('--results <file>', 'the results of `sanad issuer issue-batch`')
      .option(
        '--hand-out <folder>',
        'also destroy the bundle files `sanad issuer hand-out` wrote there',
      )
      .option(
        '--with-journal',
        'also delete the journal (then the same drive could be run again and issue everyone twice)',
      ),
    async (o, out) => {
      await refuseWhileRunning(o.results);
      const journalPath = journalPathOf(o.results);
      const journal = await readJournal(journalPath);
      const resultsDestroyed = await wipeFile(o.results);
      let bundles = 0;
      const leftInFolder: string[] = [];
      if (o.handOut !== undefined) {
        const entries = await readdir(o.handOut, { withFileTypes: true }).catch(
          (cause: unknown) => {
            throw new SanadError(
              (cause as NodeJS.ErrnoException).code === 'ENOENT'
                ? 'ERR_FILE_NOT_FOUND'
                : 'ERR_INVALID_INPUT',
              `Cannot read the folder ${o.handOut}.`,
              { cause },
            );
          },
        );
        for (const entry of entries) {
          const path = join(o.handOut, entry.name);
          const head =
            entry.isFile() && entry.name.endsWith('.json')
              ? await readFile(path, 'utf8').then((t) => t.slice(0, BUNDLE_PREFIX.length))
              : undefined;
          // Only what hand-out wrote: a bundle, or one a crash cut short.
          if (head !== undefined && BUNDLE_PREFIX.startsWith(head)) {
            await wipeFile(path);
            bundles += 1;
          } else leftInFolder.push(entry.name);
        }
        if (leftInFolder.length === 0) await rmdir(o.handOut).catch(() => undefined);
      }
      let journalState: 'kept' | 'destroyed' | 'none' = 'none';
      if (journal && o.withJournal) {
        await wipeFile(journalPath);
        journalState = 'destroyed';
      } else if (journal) {
        if (resultsDestroyed && !journal.destroyed) {
          const writer = await reopenJournal(journalPath, journal);
          await writer.write({ destroyed: { at: new Date().toISOString() } });
          await writer.close();
        }
        journalState = 'kept';
      }
      await wipeFile(lockPathOf(o.results)); // a stale lock of a killed run, if any
      if (!resultsDestroyed && bundles === 0 && journalState === 'kept' && journal?.destroyed) {
        out.result(
          {
            results: null,
            bundles: 0,
            journal: journalState,
            alreadyDestroyedAt: journal.destroyed.at,
          },
          () => `The results ${o.results} were already destroyed (${journal.destroyed!.at}).`,
        );
        return;
      }
      if (!resultsDestroyed && bundles === 0 && journalState !== 'destroyed')
        throw new SanadError(
          'ERR_FILE_NOT_FOUND',
          `Nothing to destroy: ${o.results} does not exist${o.handOut ? ` and ${o.handOut} holds no bundle file` : ''}.`,
        );
      const summary = {
        results: resultsDestroyed ? o.results : null,
        bundles,
        journal: journalState,
        leftInFolder: leftInFolder.length,
        finished: journal?.complete !== undefined,
      };
      out.result(summary, () =>
        [
          `Destroyed ${[...(resultsDestroyed ? [o.results] : []), ...(bundles > 0 ? [`${count(bundles)} bundle file(s) in ${o.handOut}`] : [])].join(' and ') || 'the journal'} (overwritten, then deleted).`,
          ...(leftInFolder.length > 0
            ? [
                `  ${leftInFolder.length} other file(s) in ${o.handOut} were not bundles and are left there.`,
              ]
            : []),
          ...(journal && !journal.complete
            ? [
                '  The drive had not finished: the lines it had not reached can no longer be resumed.',
              ]
            : []),
          ...(journalState === 'kept'
            ? [
                `  The journal ${journalPath} is kept: it holds no personal data, maps line numbers to batch ids (to revoke a person's credential later) and stops the same drive from being run again.`,
              ]
            : []),
          '  Overwriting does not reach copies that SSDs, flash, snapshots or journaling file systems keep elsewhere: only disk encryption protects those.',
        ].join('\n'),
      );
    },
  );
}
