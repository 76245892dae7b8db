/**
 * The wallet's protocol fetch (OpenID4VCI, OpenID4VP): https to public addresses only, unless a
 * local sandbox is allowed. Apart from network.ts because it switches the `@openid4vc` libraries,
 * which `sanad verify` must not load.
 */
import { createGuardedHttpFetch } from '@sanad/core';
import { nodeNetwork } from '@sanad/core/node';
import { allowInsecureHttpUrls } from '@sanad/openid4vc';

export function protocolFetch(allowHttp: boolean | undefined): typeof globalThis.fetch {
  if (!allowHttp) return createGuardedHttpFetch(nodeNetwork());
  allowInsecureHttpUrls(true);
  return createGuardedHttpFetch({ allowInsecure: true });
}
