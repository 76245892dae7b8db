import { expect, it } from 'vitest';
import { describeWithPostgres, postgresSchema } from '../../../../test/support/postgres.js';
import { describeIssuerStoreContract } from './issuer-store.contract.js';
import type { IssuerStore, NewCredentialRecord } from './issuer-store.js';
import { openPostgresIssuerStore } from './postgres-store.js';

describeWithPostgres('issuer store on PostgreSQL', (url) => {
  const open = (schema = postgresSchema()): Promise<IssuerStore> =>
    openPostgresIssuerStore({ connectionString: url, schema, max: 4 });

  describeIssuerStoreContract('PostgreSQL', () => open());

  it('never hands out one index twice when two instances allocate at once', async () => {
    const schema = postgresSchema();
    const [a, b] = await Promise.all([open(schema), open(schema)]);
    const record = (i: number, who: string): NewCredentialRecord => ({
      id: `${who}-${i}`,
      batchId: who,
      typeId: 't',
      format: 'dc+sd-jwt',
      validFrom: 'x',
      validUntil: 'y',
      issuedAt: 'z',
    });
    const random = (max: number): number => Math.floor(Math.random() * max);
    // 2 x 60 single-credential transactions racing for a 128-entry list.
    const jobs = Array.from({ length: 60 }, (_, i) => [
      a!.recordCredentials([record(i, 'a')], {
        kind: 'token',
        listSize: 128,
        issuerId: 'did:key:z1',
        random,
      }),
      b!.recordCredentials([record(i, 'b')], {
        kind: 'token',
        listSize: 128,
        issuerId: 'did:key:z1',
        random,
      }),
    ]).flat();
    const issued = (await Promise.all(jobs)).flat();
    expect(new Set(issued.map((r) => `${r.listId}:${r.index}`)).size).toBe(120);
    expect((await a!.statusLists()).length).toBe(1);
    await Promise.all([a!.close(), b!.close()]);
  });

  it('refuses an unsafe schema name', async () => {
    await expect(
      openPostgresIssuerStore({ connectionString: url, schema: 'x; DROP TABLE y' }),
    ).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
  });
});
