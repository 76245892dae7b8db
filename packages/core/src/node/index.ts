/** `@sanad/core/node`: the parts of core that need Node.js. */
export { isProcessAlive, replaceFile } from './files.js';
export { nodeHostResolver, nodeNetwork } from './host-resolver.js';
export { createPublicOnlyFetch, type DnsLookup, publicOnlyLookup } from './pinned-fetch.js';
export { postgresTarget, type PostgresProbeClient, type PostgresTarget, postgresUnreachable, probePostgres, redactDatabaseUrl } from './postgres-target.js';
