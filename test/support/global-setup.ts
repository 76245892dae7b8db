/** Runs once before the suite: a PostgreSQL server for the storage adapter tests. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Empty when no server could be started; the PostgreSQL tests then fail saying why. */
    postgresUrl: string;
    postgresError: string;
  }
}

const root = join(import.meta.dirname, '..', '..');

/** Files in the checkout that git does not know and does not ignore (none without git). */
function untracked(): Set<string> {
  try {
    return new Set(
      execFileSync('git', ['ls-files', '--others', '--exclude-standard'], {
        cwd: root,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      })
        .split('\n')
        .filter(Boolean),
    );
  } catch {
    return new Set();
  }
}

export default function setup(project: TestProject): () => void {
  // Tests work in temporary folders: a file a test leaves in the checkout (a private key, a
  // wallet) would end up in someone's commit.
  const before = untracked();
  const teardown = (): void => {
    const left = [...untracked()].filter((f) => !before.has(f));
    if (left.length > 0)
      throw new Error(`The tests left files in the checkout: ${left.join(', ')}`);
  };
  try {
    const url = execFileSync(
      'bash',
      [join(import.meta.dirname, '..', '..', 'scripts', 'test-postgres.sh')],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    )
      .trim()
      .split('\n')
      .pop()!;
    project.provide('postgresUrl', url);
    project.provide('postgresError', '');
  } catch (err) {
    project.provide('postgresUrl', '');
    project.provide('postgresError', String((err as { stderr?: string }).stderr ?? err).trim());
  }
  return teardown;
}
