/**
 * How the CLI opens an issuer folder: its credential types (built in, plus `<dir>/types/*.json`)
 * and its register wherever it lives, with `--database` / `--schema` / SANAD_DATABASE_URL to name
 * a PostgreSQL one.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import {
  type CredentialType,
  type CredentialTypeDefinition,
  type DatabaseOption,
  defineCredentialType,
  type Issuer,
  openIssuerFolder,
  refugeeStatusType,
} from '@sanad/issuer';
import { readJson } from './io.js';
import { checkDatabaseUrl, databaseOption } from './startup.js';

export const TYPES_DIR = 'types';

/** The built-in types plus the agency's own definitions in `<dir>/types/*.json`. */
export async function loadTypes(dir: string): Promise<CredentialType[]> {
  const types = [refugeeStatusType];
  const files = await readdir(join(dir, TYPES_DIR)).catch(() => [] as string[]);
  for (const file of files.filter((f) => f.endsWith('.json')).sort()) {
    types.push(
      defineCredentialType(
        (await readJson(join(dir, TYPES_DIR, file))) as CredentialTypeDefinition,
      ),
    );
  }
  return types;
}

/** `--database` / `--schema` for commands that use the register (the URL may also come from SANAD_DATABASE_URL). */
export interface RegisterFlags {
  database?: string | undefined;
  schema?: string | undefined;
}

export const registerOptions = (cmd: Command): Command =>
  cmd
    .addOption(
      databaseOption(
        "the register's PostgreSQL database (default: where the folder says); password from PGPASSWORD or ~/.pgpass",
      ),
    )
    .option(
      '--schema <name>',
      "PostgreSQL schema of Sanad's tables (default: where the folder says, else sanad)",
    );

/** The database the flags (or SANAD_DATABASE_URL) name, if any: only postgres://, checked before anything opens. */
export function databaseOf(o: RegisterFlags): DatabaseOption | undefined {
  if (o.database === undefined || o.database === '') return undefined;
  checkDatabaseUrl(o.database);
  return { url: o.database, ...(o.schema ? { schema: o.schema } : {}) };
}

/** Opens the issuer kept in `dir` (its register wherever it is), runs `fn`, and closes the register. */
export async function withIssuer<T>(
  dir: string,
  fn: (issuer: Issuer) => Promise<T>,
  flags: RegisterFlags = {},
): Promise<T> {
  const database = databaseOf(flags);
  const folder = await openIssuerFolder(dir, {
    types: await loadTypes(dir),
    ...(database ? { database } : {}),
  });
  try {
    return await fn(folder.issuer);
  } finally {
    await folder.close();
  }
}
