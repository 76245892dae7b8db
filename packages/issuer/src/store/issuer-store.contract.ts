/**
 * The behaviour every IssuerStore adapter must have. Each adapter's test calls this with a
 * factory for a fresh, empty store (SQLite and memory here; PostgreSQL later).
 */
import { describe, expect, it } from 'vitest';
import type { IssuerStore, NewCredentialRecord } from './issuer-store.js';

let counter = 0;
const record = (batchId = 'batch-1'): NewCredentialRecord => ({
  id: `cred-${(counter += 1)}`,
  batchId,
  typeId: 'refugee-status',
  format: 'dc+sd-jwt',
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2028-01-01T00:00:00.000Z',
  issuedAt: '2026-01-01T00:00:00.000Z',
});

const sequential = (): ((max: number) => number) => {
  let n = 0;
  return (max) => (n += 7) % max;
};

export function describeIssuerStoreContract(name: string, open: () => Promise<IssuerStore>): void {
  describe(`IssuerStore contract: ${name}`, () => {
    it('keeps settings', async () => {
      const store = await open();
      expect(await store.getSettings()).toBeUndefined();
      const settings = { issuerId: 'did:key:z1', kid: 'did:key:z1#z1', alg: 'ES256' as const, statusBaseUrl: 'https://a.example/status' };
      await store.saveSettings(settings);
      expect(await store.getSettings()).toEqual(settings);
      await store.close();
    });

    it('allocates distinct indexes atomically, opening a new list when one is full', async () => {
      const store = await open();
      const issued = await store.recordCredentials([record(), record(), record(), record(), record()], { kind: 'token', listSize: 4, random: sequential() });
      expect(issued.filter((r) => r.listId === issued[0]!.listId)).toHaveLength(4);
      expect(new Set(issued.map((r) => `${r.listId}:${r.index}`)).size).toBe(5);
      expect(issued.every((r) => r.status === 'valid' && r.index >= 0 && r.index < 4)).toBe(true);
      const lists = await store.statusLists();
      expect(lists.map((l) => [l.kind, l.size])).toEqual([['token', 4], ['token', 4]]);
      // A different kind gets its own lists.
      const [bit] = await store.recordCredentials([record()], { kind: 'bitstring', listSize: 4, random: sequential() });
      expect(lists.map((l) => l.id)).not.toContain(bit!.listId);
      await store.close();
    });

    it('finds credentials by id and batch, changes status, and reports non-valid entries', async () => {
      const store = await open();
      const [a, b] = await store.recordCredentials([record('batch-x'), record('batch-x')], { kind: 'token', listSize: 16, random: sequential() });
      expect(await store.getCredential(a!.id)).toEqual(a);
      expect(await store.getCredential('missing')).toBeUndefined();
      expect((await store.credentialsOfBatch('batch-x')).map((r) => r.id).sort()).toEqual([a!.id, b!.id].sort());
      await store.setStatus([a!.id], 'revoked');
      await store.setStatus([b!.id], 'suspended');
      expect((await store.nonValidEntries(a!.listId)).sort((x, y) => x.index - y.index)).toEqual(
        [{ index: a!.index, status: 'revoked' }, { index: b!.index, status: 'suspended' }].sort((x, y) => x.index - y.index),
      );
      expect((await store.listCredentials()).length).toBe(2);
      await store.close();
    });
  });
}
