/**
 * Veramo's key, private-key and DID stores over the wallet document, so keys and DIDs live
 * only inside the encrypted wallet. Each change is saved through the wallet (atomic, encrypted).
 */
import type { IIdentifier, IKey, ManagedKeyInfo } from '@veramo/core';
import { AbstractDIDStore } from '@veramo/did-manager';
import {
  AbstractKeyStore,
  AbstractPrivateKeyStore,
  type ImportablePrivateKey,
  type ManagedPrivateKey,
} from '@veramo/key-manager';
import { randomId, SanadError } from '@sanad/core';
import type { WalletDocument } from '../document.js';

/** Access to the current document and a way to persist it. */
export interface DocumentAccess {
  doc(): WalletDocument;
  save(): Promise<void>;
}

const notFound = (what: string): SanadError =>
  new SanadError('ERR_INVALID_KEY', `No ${what} with that identifier in this wallet.`);

export class WalletKeyStore extends AbstractKeyStore {
  constructor(private readonly access: DocumentAccess) {
    super();
  }
  async importKey(args: Partial<IKey>): Promise<boolean> {
    if (!args.kid) throw notFound('key');
    this.access.doc().keys[args.kid] = args as IKey;
    await this.access.save();
    return true;
  }
  async getKey({ kid }: { kid: string }): Promise<IKey> {
    const key = this.access.doc().keys[kid];
    if (!key) throw notFound('key');
    return key;
  }
  async deleteKey({ kid }: { kid: string }): Promise<boolean> {
    const existed = kid in this.access.doc().keys;
    delete this.access.doc().keys[kid];
    await this.access.save();
    return existed;
  }
  async listKeys(): Promise<ManagedKeyInfo[]> {
    return Object.values(this.access.doc().keys).map(({ kid, kms, type, publicKeyHex, meta }) => ({
      kid,
      kms,
      type,
      publicKeyHex,
      ...(meta ? { meta } : {}),
    }));
  }
}

export class WalletPrivateKeyStore extends AbstractPrivateKeyStore {
  constructor(private readonly access: DocumentAccess) {
    super();
  }
  async importKey(args: ImportablePrivateKey): Promise<ManagedPrivateKey> {
    const key: ManagedPrivateKey = {
      alias: args.alias ?? randomId(),
      privateKeyHex: args.privateKeyHex,
      type: args.type,
    };
    this.access.doc().privateKeys[key.alias] = key;
    await this.access.save();
    return key;
  }
  async getKey({ alias }: { alias: string }): Promise<ManagedPrivateKey> {
    const key = this.access.doc().privateKeys[alias];
    if (!key) throw notFound('private key');
    return key;
  }
  async deleteKey({ alias }: { alias: string }): Promise<boolean> {
    const existed = alias in this.access.doc().privateKeys;
    delete this.access.doc().privateKeys[alias];
    await this.access.save();
    return existed;
  }
  async listKeys(): Promise<ManagedPrivateKey[]> {
    return Object.values(this.access.doc().privateKeys);
  }
}

export class WalletDidStore extends AbstractDIDStore {
  constructor(private readonly access: DocumentAccess) {
    super();
  }
  async importDID(args: IIdentifier): Promise<boolean> {
    this.access.doc().dids[args.did] = args;
    await this.access.save();
    return true;
  }
  async getDID(args: { did: string } | { alias: string }): Promise<IIdentifier> {
    const dids = Object.values(this.access.doc().dids);
    const found =
      'did' in args ? this.access.doc().dids[args.did] : dids.find((d) => d.alias === args.alias);
    if (!found) throw notFound('DID');
    return found;
  }
  async deleteDID({ did }: { did: string }): Promise<boolean> {
    const existed = did in this.access.doc().dids;
    delete this.access.doc().dids[did];
    await this.access.save();
    return existed;
  }
  async listDIDs(args: { alias?: string; provider?: string }): Promise<IIdentifier[]> {
    return Object.values(this.access.doc().dids).filter(
      (d) =>
        (args.alias === undefined || d.alias === args.alias) &&
        (args.provider === undefined || d.provider === args.provider),
    );
  }
}
