import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeServiceStoreContract } from './service-store.contract.js';
import { createMemoryServiceStore } from './service-store.js';
import { openSqliteServiceStore } from './sqlite-service-store.js';
import { postgresSchema, describeWithPostgres } from '../../../../test/support/postgres.js';
import { openPostgresServiceStore } from './postgres-service-store.js';

describeServiceStoreContract('memory', async () => createMemoryServiceStore());
describeServiceStoreContract('SQLite', async () => openSqliteServiceStore(join(mkdtempSync(join(tmpdir(), 'sanad-svc-')), 'service.sqlite')));
describeWithPostgres('PostgreSQL', (url) => {
  describeServiceStoreContract('PostgreSQL', () => openPostgresServiceStore({ connectionString: url, schema: postgresSchema(), max: 4 }));
});
