/** The wallet's whole state: one JSON document, encrypted at rest as a unit. */
import type { IIdentifier, IKey } from '@veramo/core';
import type { ManagedPrivateKey } from '@veramo/key-manager';
import type { CredentialFormat, CredentialTypeMetadata } from '@sanad/core';
import type { CredentialStatusRecord } from './status/credential-status.js';

/** One copy of a credential, bound to its own holder key; used once where possible. */
export interface CredentialCopy {
  /** The credential as issued: an SD-JWT with every disclosure, or a VC-JWT. */
  raw: string;
  /** The holder DID whose key the copy is bound to. */
  holderDid: string;
  /** ISO time of the last presentation made with this copy. */
  usedAt?: string;
}

/** A credential as the holder sees it: one card, possibly several copies. */
export interface StoredCredential {
  id: string;
  format: CredentialFormat;
  issuer: string;
  /** `vct` for SD-JWT VC, the most specific type for VC-JWT. */
  credentialType: string;
  metadata?: CredentialTypeMetadata;
  /** The issuer's display names by language, from its OpenID4VCI metadata (received credentials). */
  issuerDisplay?: Array<{ locale: string; name: string }>;
  /** Every claim (all disclosures processed), for showing the holder what they hold. */
  claims: Record<string, unknown>;
  validUntil?: string;
  /** False when the issuer key could not be resolved at import (e.g. an https issuer). */
  issuerSignatureChecked: boolean;
  importedAt: string;
  copies: CredentialCopy[];
  /** The last status checked with the issuer (absent until the first check; older wallets lack it). */
  status?: CredentialStatusRecord;
}

/** What was shown to whom: claim names only, never values. */
export interface HistoryEntry {
  at: string;
  verifier: { clientId: string; name?: string };
  purpose: string;
  credentialId: string;
  credentialType: string;
  claims: Array<{ path: string; label: string }>;
}

export interface WalletDocument {
  version: 1;
  keys: Record<string, IKey>;
  privateKeys: Record<string, ManagedPrivateKey>;
  dids: Record<string, IIdentifier>;
  credentials: StoredCredential[];
  history: HistoryEntry[];
}

export const emptyDocument = (): WalletDocument => ({
  version: 1,
  keys: {},
  privateKeys: {},
  dids: {},
  credentials: [],
  history: [],
});
