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

export default function setup(project: TestProject): void {
  try {
    const url = execFileSync('bash', [join(import.meta.dirname, '..', '..', 'scripts', 'test-postgres.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop()!;
    project.provide('postgresUrl', url);
    project.provide('postgresError', '');
  } catch (err) {
    project.provide('postgresUrl', '');
    project.provide('postgresError', String((err as { stderr?: string }).stderr ?? err).trim());
  }
}
