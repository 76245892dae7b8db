/** `@sanad/openid4vc`: the OpenID4VCI / OpenID4VP plumbing the wallet and the services share. */
export { type CallbackOptions, sanadCallbacks } from './callbacks.js';
export { allowInsecureHttpUrls } from './insecure.js';
