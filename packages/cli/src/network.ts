/**
 * What a verifier run from the CLI may reach over the network: https to public addresses only, unless
 * a local sandbox is allowed. The wallet's protocol fetch is in protocol-fetch.ts.
 */
import { Option } from 'commander';
import { createGuardedFetch } from '@sanad/core';
import { nodeNetwork } from '@sanad/core/node';
import type { VerifierOptions } from '@sanad/verifier';

/** A verifier's status-list and did:web fetches; --allow-http (local tests only) admits http and loopback. */
export function verifierNetwork(
  allowHttp: boolean | undefined,
): Pick<VerifierOptions, 'fetch' | 'did'> {
  if (!allowHttp) return { fetch: createGuardedFetch(nodeNetwork()) };
  return {
    fetch: createGuardedFetch({ allowInsecure: true }),
    did: { web: { allowInsecure: true } },
  };
}

/** `--on-status-unavailable`: the verifier's policy when no status list can be had (default: reject). */
export function statusPolicyOption(): Option {
  return new Option(
    '--on-status-unavailable <policy>',
    'when no status list can be had: reject, or accept with a warning',
  )
    .choices(['reject', 'accept-with-warning'])
    .default('reject');
}
