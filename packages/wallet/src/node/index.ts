/** `@sanad/wallet/node`: the wallet file and native scrypt, for Node (the CLI, servers, tests). */
export { nodeScrypt, openFileStorage } from './file-storage.js';
