/** `@sanad/core/node`: the parts of core that need Node.js. */
export {
  createFile,
  isProcessAlive,
  type LockAttempt,
  moveFile,
  replaceFile,
  tryLockFile,
} from './files.js';
export { nodeHostResolver, nodeNetwork } from './host-resolver.js';
export { createPublicOnlyFetch, type DnsLookup, publicOnlyLookup } from './pinned-fetch.js';
export {
  postgresTarget,
  type PostgresProbeClient,
  type PostgresTarget,
  postgresUnreachable,
  probePostgres,
  redactDatabaseUrl,
} from './postgres-target.js';
