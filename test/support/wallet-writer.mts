// A wallet writer that never stops: the crash-safety test kills it with SIGKILL mid-write.
// Usage: node --conditions=@sanad/source --import tsx wallet-writer.mts <wallet> <passphrase> <options-json>
import { nodeScrypt, openFileStorage, openWallet } from '@sanad/wallet';

const [path, passphrase, options] = process.argv.slice(2) as [string, string, string];
const storage = await openFileStorage(path);
const wallet = await openWallet(storage, passphrase, { ...JSON.parse(options), kdf: nodeScrypt });
process.stdout.write('ready\n');
for (;;) await wallet.createHolderKeys(1);
