/**
 * The `@openid4vc/*` libraries refuse http:// URLs, as they should. A local sandbox and the
 * loopback tests run over plain http, so they switch this on, process-wide and explicitly.
 * Never in production: nothing else in Sanad turns it on.
 */
import { getGlobalConfig, setGlobalConfig } from '@openid4vc/utils';

export function allowInsecureHttpUrls(allow: boolean): void {
  setGlobalConfig({ ...getGlobalConfig(), allowInsecureUrls: allow });
}
