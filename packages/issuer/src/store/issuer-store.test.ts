import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeIssuerStoreContract } from './issuer-store.contract.js';
import { createMemoryIssuerStore } from './memory-store.js';
import { openSqliteIssuerStore } from './sqlite-store.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describeIssuerStoreContract('memory', async () => createMemoryIssuerStore());
describeIssuerStoreContract('SQLite file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sanad-store-'));
  dirs.push(dir);
  return openSqliteIssuerStore(join(dir, 'issuer.sqlite'));
});
