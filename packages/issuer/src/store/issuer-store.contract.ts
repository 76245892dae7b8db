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
      const settings = {
        issuerId: 'did:key:z1',
        kid: 'did:key:z1#z1',
        alg: 'ES256' as const,
        statusBaseUrl: 'https://a.example/status',
        registerId: 'abcd2345',
      };
      await store.saveSettings(settings);
      expect(await store.getSettings()).toEqual(settings);
      await store.close();
    });

    it('allocates distinct indexes atomically, opening a new list when one is full', async () => {
      const store = await open();
      const issued = await store.recordCredentials(
        [record(), record(), record(), record(), record()],
        { kind: 'token', listSize: 4, issuerId: 'did:key:z1', random: sequential() },
      );
      expect(issued.filter((r) => r.listId === issued[0]!.listId)).toHaveLength(4);
      expect(new Set(issued.map((r) => `${r.listId}:${r.index}`)).size).toBe(5);
      expect(issued.every((r) => r.status === 'valid' && r.index >= 0 && r.index < 4)).toBe(true);
      const lists = await store.statusLists();
      expect(lists.map((l) => [l.kind, l.size])).toEqual([
        ['token', 4],
        ['token', 4],
      ]);
      // A different kind gets its own lists.
      const [bit] = await store.recordCredentials([record()], {
        kind: 'bitstring',
        listSize: 4,
        issuerId: 'did:key:z1',
        random: sequential(),
      });
      expect(lists.map((l) => l.id)).not.toContain(bit!.listId);
      await store.close();
    });

    it('rotates the signing key: earlier lists keep their key, new credentials fill new lists of the new key', async () => {
      const store = await open();
      await store.saveSettings({
        issuerId: 'did:key:zOld',
        kid: 'did:key:zOld#zOld',
        alg: 'ES256',
        statusBaseUrl: 'https://a.example/status',
      });
      const [before] = await store.recordCredentials([record()], {
        kind: 'token',
        listSize: 16,
        issuerId: 'did:key:zOld',
        random: sequential(),
      });
      const rotated = await store.rotateKey(
        { issuerId: 'did:key:zNew', kid: 'did:key:zNew#zNew', alg: 'EdDSA' },
        '2026-12-01T00:00:00.000Z',
      );
      expect(rotated).toMatchObject({
        issuerId: 'did:key:zNew',
        alg: 'EdDSA',
        retiredKeys: [
          {
            issuerId: 'did:key:zOld',
            kid: 'did:key:zOld#zOld',
            alg: 'ES256',
            retiredAt: '2026-12-01T00:00:00.000Z',
          },
        ],
      });
      expect(await store.getSettings()).toEqual(rotated);
      const [after] = await store.recordCredentials([record()], {
        kind: 'token',
        listSize: 16,
        issuerId: 'did:key:zNew',
        random: sequential(),
      });
      expect(after!.listId).not.toBe(before!.listId);
      const lists = await store.statusLists();
      expect(lists.find((l) => l.id === before!.listId)?.issuerId).toBe('did:key:zOld');
      expect(lists.find((l) => l.id === after!.listId)?.issuerId).toBe('did:key:zNew');
      // A service still running on the retired key cannot issue with it any more.
      await expect(
        store.recordCredentials([record()], {
          kind: 'token',
          listSize: 16,
          issuerId: 'did:key:zOld',
          random: sequential(),
        }),
      ).rejects.toMatchObject({ code: 'ERR_ISSUER_KEY_MISMATCH' });
      // A key is used once: neither the current nor a retired one comes back.
      await expect(
        store.rotateKey(
          { issuerId: 'did:key:zOld', kid: 'did:key:zOld#zOld', alg: 'ES256' },
          '2026-12-02T00:00:00.000Z',
        ),
      ).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
      await expect(
        store.rotateKey(
          { issuerId: 'did:key:zNew', kid: 'did:key:zNew#zNew', alg: 'ES256' },
          '2026-12-02T00:00:00.000Z',
        ),
      ).rejects.toMatchObject({ code: 'ERR_INVALID_KEY' });
      await store.close();
    });

    it('finds credentials by id and batch, changes status, and reports non-valid entries', async () => {
      const store = await open();
      const [a, b] = await store.recordCredentials([record('batch-x'), record('batch-x')], {
        kind: 'token',
        listSize: 16,
        issuerId: 'did:key:z1',
        random: sequential(),
      });
      expect(await store.getCredential(a!.id)).toEqual(a);
      expect(await store.getCredential('missing')).toBeUndefined();
      expect((await store.credentialsOfBatch('batch-x')).map((r) => r.id).sort()).toEqual(
        [a!.id, b!.id].sort(),
      );
      const [other] = await store.recordCredentials([record('batch-y')], {
        kind: 'bitstring',
        listSize: 16,
        issuerId: 'did:key:z1',
        random: sequential(),
      });
      expect((await store.credentialsOfList(a!.listId)).map((r) => r.id).sort()).toEqual(
        [a!.id, b!.id].sort(),
      );
      expect(await store.credentialsOfList(other!.listId)).toEqual([other]);
      await store.setStatus([a!.id], 'revoked');
      await store.setStatus([b!.id], 'suspended');
      expect((await store.nonValidEntries(a!.listId)).sort((x, y) => x.index - y.index)).toEqual(
        [
          { index: a!.index, status: 'revoked' },
          { index: b!.index, status: 'suspended' },
        ].sort((x, y) => x.index - y.index),
      );
      expect((await store.listCredentials()).length).toBe(3);
      await store.close();
    });
  });
}
