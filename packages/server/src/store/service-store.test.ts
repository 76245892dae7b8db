import { execFile } from 'node:child_process';
import { mkdtempSync, statSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { patient } from '../../../../test/support/patience.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeServiceStoreContract } from './service-store.contract.js';
import { createMemoryServiceStore } from './service-store.js';
import { openSqliteServiceStore } from './sqlite-service-store.js';
import { CHECKPOINT_EVERY_WRITES } from './wal-checkpointer.js';
import { postgresSchema, describeWithPostgres } from '../../../../test/support/postgres.js';
import { openPostgresServiceStore } from './postgres-service-store.js';

describeServiceStoreContract('memory', async () => createMemoryServiceStore());
describeServiceStoreContract('SQLite', async () =>
  openSqliteServiceStore(join(mkdtempSync(join(tmpdir(), 'sanad-svc-')), 'service.sqlite')),
);
describeWithPostgres('PostgreSQL', (url) => {
  describeServiceStoreContract('PostgreSQL', () =>
    openPostgresServiceStore({ connectionString: url, schema: postgresSchema(), max: 4 }),
  );
});

describe('SQLite WAL checkpoints', () => {
  it('are still made, by the checkpointer thread, while commits no longer run them', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sanad-svc-')), 'service.sqlite');
    const store = openSqliteServiceStore(path);
    const before = statSync(path).size;
    for (let i = 0; i < 4 * CHECKPOINT_EVERY_WRITES; i += 1)
      await store.put('session', `s${i}`, { text: 'x'.repeat(2000) }, 2e9, 1);
    // The records reach the database file only through a checkpoint.
    await vi.waitFor(() => expect(statSync(path).size).toBeGreaterThan(before + 1_000_000), {
      timeout: patient(10_000),
      interval: 50,
    });
    expect(await store.get('session', 's0', 1)).toMatchObject({
      value: { text: 'x'.repeat(2000) },
    });
    await store.close();
  });

  // `sanad issuer serve` awaits close() with nothing else left to run: the process ended with exit code 13 (an
  // unsettled top-level await) while the unref'd checkpointer thread was still closing.
  it('lets a process that closes the store as its last act end normally', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'sanad-svc-')), 'service.sqlite');
    const script = [
      `import { openSqliteServiceStore } from ${JSON.stringify(new URL('./sqlite-service-store.ts', import.meta.url).pathname)};`,
      `const store = openSqliteServiceStore(${JSON.stringify(path)});`,
      `for (let i = 0; i < ${2 * CHECKPOINT_EVERY_WRITES}; i += 1) await store.put('session', 's' + i, { n: i }, 2e9, 1);`,
      `await store.close();`,
      `console.log('closed');`,
    ].join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--conditions=@sanad/source',
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      script,
    ]);
    expect(stdout.trim()).toBe('closed');
  });
});
