/**
 * What the issuer remembers — and only that: per credential copy its id, batch, type, format,
 * status-list position, status and dates. No claim values, ever.
 * Small and async so a PostgreSQL adapter can implement it.
 */
import { type CredentialFormat, SanadError } from '@sanad/core';

export type CredentialStatus = 'valid' | 'suspended' | 'revoked';
/** `token`: IETF Token Status List (SD-JWT VC); `bitstring`: W3C Bitstring Status List (VC-JWT). */
export type StatusListKind = 'token' | 'bitstring';

/** A signing key the register has used: credentials and status lists name it by issuer id. */
export interface IssuerKeyReference {
  issuerId: string;
  kid: string;
  alg: 'ES256' | 'EdDSA';
}

/** A key that no longer signs credentials but still signs the status lists of those it signed. */
export interface RetiredKey extends IssuerKeyReference {
  /** ISO 8601: when the register stopped issuing with it. */
  retiredAt: string;
}

export interface IssuerSettings extends IssuerKeyReference {
  statusBaseUrl: string;
  /**
   * Random id of this register. New registers publish their status lists below it
   * (`<statusBaseUrl>/<registerId>/tsl/1`), so two registers never publish at the same URL.
   * Registers made before Sanad 0.2 have none and keep their paths (`tsl/1`).
   */
  registerId?: string;
  /** Earlier keys, oldest first (see `sanad issuer rotate-key`). */
  retiredKeys?: RetiredKey[];
  /** The register's BBS key (its did:key), if it has one: it issues `bbs-2023` credentials too. */
  bbsIssuerId?: string;
}

export interface NewCredentialRecord {
  id: string;
  batchId: string;
  typeId: string;
  format: CredentialFormat;
  /** ISO 8601. */
  validFrom: string;
  validUntil: string;
  issuedAt: string;
}

export interface IssuedCredentialRecord extends NewCredentialRecord {
  listId: number;
  index: number;
  status: CredentialStatus;
}

export interface StatusListRecord {
  id: number;
  kind: StatusListKind;
  size: number;
  /** The issuer (key) whose credentials the list holds, and which signs it; undefined in lists made before key rotation existed (the register's first key). */
  issuerId?: string;
}

export interface AllocationOptions {
  kind: StatusListKind;
  listSize: number;
  /** The issuer signing these credentials: a list only ever holds one key's credentials. */
  issuerId: string;
  /** Uniform random integer in [0, max). */
  random: (max: number) => number;
}

/**
 * A register that was moved to another database refuses every use (ERR_REGISTER_MOVED), so
 * nothing can be revoked, issued or published from the stale copy.
 */
export interface IssuerStore {
  getSettings(): Promise<IssuerSettings | undefined>;
  saveSettings(settings: IssuerSettings): Promise<void>;
  /**
   * Makes `next` the signing key, atomically: the current key joins `retiredKeys` and keeps the
   * status lists it filled, new credentials go into new lists of the new key.
   */
  rotateKey(next: IssuerKeyReference, retiredAt: string): Promise<IssuerSettings>;
  /** Gives each record a random free index (opening a new list when one is full) and stores them, atomically. */
  recordCredentials(
    records: NewCredentialRecord[],
    options: AllocationOptions,
  ): Promise<IssuedCredentialRecord[]>;
  getCredential(id: string): Promise<IssuedCredentialRecord | undefined>;
  credentialsOfBatch(batchId: string): Promise<IssuedCredentialRecord[]>;
  /** Every credential in one status list: all signed by the list's key (a key compromise revokes them). */
  credentialsOfList(listId: number): Promise<IssuedCredentialRecord[]>;
  setStatus(ids: string[], status: CredentialStatus): Promise<void>;
  listCredentials(): Promise<IssuedCredentialRecord[]>;
  statusLists(): Promise<StatusListRecord[]>;
  /** The entries of a list that are not valid (everything else is valid). */
  nonValidEntries(
    listId: number,
  ): Promise<Array<{ index: number; status: Exclude<CredentialStatus, 'valid'> }>>;
  close(): Promise<void>;
}

/** The settings after `rotateKey`: refused when `next` is the current key or a retired one. */
export function rotatedSettings(
  current: IssuerSettings | undefined,
  next: IssuerKeyReference,
  retiredAt: string,
): IssuerSettings {
  if (!current) throw new SanadError('ERR_ISSUER_NOT_INITIALIZED');
  const used = [current.issuerId, ...(current.retiredKeys ?? []).map((k) => k.issuerId)];
  if (used.includes(next.issuerId))
    throw new SanadError(
      'ERR_INVALID_KEY',
      'That key has already been used by this register: rotate to a new key.',
    );
  const retired: RetiredKey = {
    issuerId: current.issuerId,
    kid: current.kid,
    alg: current.alg,
    retiredAt,
  };
  return {
    ...current,
    issuerId: next.issuerId,
    kid: next.kid,
    alg: next.alg,
    retiredKeys: [...(current.retiredKeys ?? []), retired],
  };
}

/** Where a moved register went: written into the old copy by `sanad issuer migrate`. */
export interface RegisterMove {
  /** The new place, for people: `postgres://sanad@db.internal/sanad (schema sanad)` or a file path; never a password. */
  to: string;
  /** ISO 8601. */
  at: string;
}

/** The refusal every use of a moved register gets. */
export function registerMovedError(move: RegisterMove): SanadError {
  return new SanadError(
    'ERR_REGISTER_MOVED',
    `This issuer register was moved to ${move.to} on ${move.at.slice(0, 10)}; this copy is kept only as a record. Use the moved register.`,
  );
}

/** Refuses to allocate for any key but the register's current one (a service still running on a retired key). */
export function assertCurrentKey(settings: IssuerSettings | undefined, issuerId: string): void {
  if (settings && settings.issuerId !== issuerId && settings.bbsIssuerId !== issuerId) {
    throw new SanadError(
      'ERR_ISSUER_KEY_MISMATCH',
      'This key was retired by a key rotation: restart with the current key (issuer-key.jwk.json).',
    );
  }
}
