/**
 * The protocol half of the wallet: `@sanad/wallet` with OpenID4VCI/VP, DCQL, Veramo and their
 * libraries, most of the app's weight. Imported dynamically (session.ts), so the first screen
 * paints and takes a passphrase before these bytes have arrived on a slow link.
 */
import { allowInsecureHttpUrls } from '@sanad/openid4vc';
import { localSandbox } from './session.js';

if (localSandbox) allowInsecureHttpUrls(true);

export { createWallet, openWallet, openWalletWithKey, restoreBackup } from '@sanad/wallet';
