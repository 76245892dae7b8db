/** What the SQL issuer stores (SQLite, PostgreSQL) share: the schema and the row mapping. */
import type { CredentialFormat } from '@sanad/core';
import type { CredentialStatus, IssuedCredentialRecord, StatusListRecord } from './issuer-store.js';

export const SCHEMA_VERSION = 2;

/** The migrations, one per schema version; only the auto-increment key differs between dialects. */
export function migrations(dialect: 'sqlite' | 'postgres'): string[] {
  const serial = dialect === 'sqlite' ? 'INTEGER PRIMARY KEY' : 'SERIAL PRIMARY KEY';
  return [
    `CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE status_lists (id ${serial}, kind TEXT NOT NULL CHECK (kind IN ('token','bitstring')), size INTEGER NOT NULL, used INTEGER NOT NULL DEFAULT 0);
     CREATE TABLE credentials (
       id TEXT PRIMARY KEY, batch_id TEXT NOT NULL, type_id TEXT NOT NULL, format TEXT NOT NULL,
       list_id INTEGER NOT NULL REFERENCES status_lists(id), idx INTEGER NOT NULL,
       status TEXT NOT NULL CHECK (status IN ('valid','suspended','revoked')),
       valid_from TEXT NOT NULL, valid_until TEXT NOT NULL, issued_at TEXT NOT NULL,
       UNIQUE (list_id, idx));
     CREATE INDEX credentials_batch ON credentials(batch_id);`,
    // Key rotation: each list belongs to the key that signs it (NULL: the register's first key).
    `ALTER TABLE status_lists ADD COLUMN issuer_id TEXT;`,
  ];
}

export interface CredentialRow {
  id: string;
  batch_id: string;
  type_id: string;
  format: CredentialFormat;
  list_id: number;
  idx: number;
  status: CredentialStatus;
  valid_from: string;
  valid_until: string;
  issued_at: string;
}

export const toRecord = (r: CredentialRow): IssuedCredentialRecord => ({
  id: r.id,
  batchId: r.batch_id,
  typeId: r.type_id,
  format: r.format,
  listId: r.list_id,
  index: r.idx,
  status: r.status,
  validFrom: r.valid_from,
  validUntil: r.valid_until,
  issuedAt: r.issued_at,
});

/** The settings row that marks a register as moved (see RegisterMove). */
export const MOVED_KEY = 'moved';

export interface StatusListRow {
  id: number;
  kind: 'token' | 'bitstring';
  size: number;
  issuer_id: string | null;
}

export const toStatusList = (r: StatusListRow): StatusListRecord => ({
  id: r.id,
  kind: r.kind,
  size: r.size,
  ...(r.issuer_id ? { issuerId: r.issuer_id } : {}),
});
