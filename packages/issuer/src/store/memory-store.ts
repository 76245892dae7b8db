/** An in-memory issuer store, for tests and for the browser. */
import {
  assertCurrentKey,
  type IssuedCredentialRecord,
  type IssuerSettings,
  type IssuerStore,
  rotatedSettings,
  type StatusListRecord,
} from './issuer-store.js';
import { pickFreeIndex } from './allocate.js';

/**
 * @example
 * ```ts
 * const issuer = await createIssuer({ store: createMemoryIssuerStore(), … })
 * ```
 */
export function createMemoryIssuerStore(): IssuerStore {
  let settings: IssuerSettings | undefined;
  const credentials = new Map<string, IssuedCredentialRecord>();
  const lists: StatusListRecord[] = [];
  const used = new Map<number, Set<number>>();
  const copy = (r: IssuedCredentialRecord): IssuedCredentialRecord => ({ ...r });
  return {
    async getSettings() {
      return settings && { ...settings };
    },
    async saveSettings(value) {
      settings = { ...value };
    },
    async rotateKey(next, retiredAt) {
      const rotated = rotatedSettings(settings, next, retiredAt);
      for (const list of lists) list.issuerId ??= settings!.issuerId;
      settings = rotated;
      return { ...rotated };
    },
    async recordCredentials(records, { kind, listSize, random, issuerId }) {
      assertCurrentKey(settings, issuerId);
      const out: IssuedCredentialRecord[] = [];
      for (const record of records) {
        let list = lists
          .filter(
            (l) =>
              l.kind === kind &&
              (l.issuerId === undefined
                ? issuerId === settings?.issuerId
                : l.issuerId === issuerId),
          )
          .at(-1);
        if (!list || (used.get(list.id)?.size ?? 0) >= list.size) {
          list = { id: lists.length + 1, kind, size: listSize, issuerId };
          lists.push(list);
          used.set(list.id, new Set());
        }
        const taken = used.get(list.id)!;
        const index = pickFreeIndex(list.size, (i) => taken.has(i), random);
        taken.add(index);
        const issued: IssuedCredentialRecord = {
          ...record,
          listId: list.id,
          index,
          status: 'valid',
        };
        credentials.set(record.id, issued);
        out.push(copy(issued));
      }
      return out;
    },
    async getCredential(id) {
      const r = credentials.get(id);
      return r && copy(r);
    },
    async credentialsOfBatch(batchId) {
      return [...credentials.values()].filter((r) => r.batchId === batchId).map(copy);
    },
    async credentialsOfList(listId) {
      return [...credentials.values()]
        .filter((r) => r.listId === listId)
        .sort((a, b) => a.index - b.index)
        .map(copy);
    },
    async setStatus(ids, status) {
      for (const id of ids) {
        const r = credentials.get(id);
        if (r) r.status = status;
      }
    },
    async listCredentials() {
      return [...credentials.values()].map(copy);
    },
    async statusLists() {
      return lists.map((l) => ({ ...l }));
    },
    async nonValidEntries(listId) {
      return [...credentials.values()]
        .filter((r) => r.listId === listId && r.status !== 'valid')
        .map((r) => ({ index: r.index, status: r.status as 'revoked' | 'suspended' }));
    },
    async close() {},
  };
}
