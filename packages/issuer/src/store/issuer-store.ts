/**
 * What the issuer remembers — and only that: per credential copy its id, batch, type, format,
 * status-list position, status and dates. No claim values, ever.
 * Small and async so a PostgreSQL adapter can implement it.
 */
import type { CredentialFormat } from '@sanad/core';

export type CredentialStatus = 'valid' | 'suspended' | 'revoked';
/** `token`: IETF Token Status List (SD-JWT VC); `bitstring`: W3C Bitstring Status List (VC-JWT). */
export type StatusListKind = 'token' | 'bitstring';

export interface IssuerSettings {
  issuerId: string;
  kid: string;
  alg: 'ES256' | 'EdDSA';
  statusBaseUrl: string;
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
}

export interface AllocationOptions {
  kind: StatusListKind;
  listSize: number;
  /** Uniform random integer in [0, max). */
  random: (max: number) => number;
}

export interface IssuerStore {
  getSettings(): Promise<IssuerSettings | undefined>;
  saveSettings(settings: IssuerSettings): Promise<void>;
  /** Gives each record a random free index (opening a new list when one is full) and stores them, atomically. */
  recordCredentials(records: NewCredentialRecord[], options: AllocationOptions): Promise<IssuedCredentialRecord[]>;
  getCredential(id: string): Promise<IssuedCredentialRecord | undefined>;
  credentialsOfBatch(batchId: string): Promise<IssuedCredentialRecord[]>;
  setStatus(ids: string[], status: CredentialStatus): Promise<void>;
  listCredentials(): Promise<IssuedCredentialRecord[]>;
  statusLists(): Promise<StatusListRecord[]>;
  /** The entries of a list that are not valid (everything else is valid). */
  nonValidEntries(listId: number): Promise<Array<{ index: number; status: Exclude<CredentialStatus, 'valid'> }>>;
  close(): Promise<void>;
}
