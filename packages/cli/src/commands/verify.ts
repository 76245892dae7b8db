/** `sanad verify`: check a presentation against a trust list, a request and status lists. */
import type { Command } from 'commander';
import {
  fixedClock,
  loadTrustList,
  SanadError,
  systemClock,
  type TrustList,
  type VerificationResult,
} from '@sanad/core';
import {
  createDirectoryStatusCache,
  createFileNonceStore,
  createVerifier,
  parsePresentationRequest,
  type VerifyExpectations,
} from '@sanad/verifier';
import { action } from '../command.js';
import { statusPolicyOption, verifierNetwork } from '../network.js';
import { EXIT } from '../exit-codes.js';
import { readInput, readJson } from '../io.js';
import { pinnedKeyOption } from './authority.js';

interface VerifyOptions {
  presentation: string;
  trust: string;
  request?: string;
  nonce?: string;
  audience?: string;
  now?: string;
  statusCache?: string;
  offline?: boolean;
  nonceStore?: string;
  pinnedKey?: string;
  allowHttp?: boolean;
  onStatusUnavailable: 'reject' | 'accept-with-warning';
}

/** What the verifier relied on from its trust list: whether it was signed and how old it is (offline checks). */
interface TrustListReport {
  signed: boolean;
  issued_at?: string;
  age_seconds?: number;
  expires_at?: string;
}

function trustListReport(trust: TrustList, now: number): TrustListReport {
  const { issued_at, expires_at } = trust.document;
  return {
    signed: trust.signed,
    ...(issued_at
      ? { issued_at, age_seconds: Math.max(0, Math.floor((now - Date.parse(issued_at)) / 1000)) }
      : {}),
    ...(expires_at ? { expires_at } : {}),
  };
}

function describe(result: VerificationResult & { trust_list: TrustListReport }): string {
  // Staff know issuers by the name on their trust list; the identifier stays beside it.
  const issuer = result.issuerName
    ? `${result.issuerName} (${result.issuer})`
    : result.issuer || '-';
  const lines = [
    result.verified ? 'VERIFIED' : result.retryable ? 'NOT CHECKED YET' : 'REJECTED',
    `  issuer: ${issuer}`,
    `  type: ${result.credentialType || '-'}`,
    `  status: ${result.status}`,
  ];
  const t = result.trust_list;
  lines.push(
    `  trust list: ${t.signed ? 'signed' : 'unsigned'}${t.issued_at ? `, issued ${t.issued_at} (${t.age_seconds} s ago)` : ''}${t.expires_at ? `, expires ${t.expires_at}` : ''}`,
  );
  if (result.statusSource)
    lines.push(
      `  status from: ${result.statusSource.source}${result.statusSource.ageSeconds !== undefined ? `, list ${result.statusSource.ageSeconds} s old` : ''}`,
    );
  for (const [name, value] of Object.entries(result.claims))
    lines.push(`  ${name}: ${JSON.stringify(value)}`);
  for (const e of result.errors) lines.push(`  ✗ ${e.message} (${e.code})`);
  for (const w of result.warnings) lines.push(`  ! ${w.message} (${w.code})`);
  if (result.retryable)
    lines.push(
      '  The status could not be checked, so the request was not used up: sync the status lists (or go online) and run the same command again.',
    );
  return lines.join('\n');
}

export function registerVerifyCommand(program: Command): void {
  action<VerifyOptions>(
    program
      .command('verify')
      .description('verify a presentation (exit 0 accepted, 1 rejected, 2 bad input)')
      .requiredOption(
        '--presentation <file>',
        'the presentation, a vp_token response, or an offline SANAD1: code (- for stdin)',
      )
      .requiredOption('--trust <file>', 'trust list (JSON, or signed JWS with --pinned-key)')
      .option('--request <file>', 'the request it answers')
      .option('--nonce <nonce>', 'expected nonce (without --request)')
      .option('--audience <aud>', 'expected audience (without --request)')
      .option('--now <iso>', 'verify as of this time')
      .option('--status-cache <dir>', 'status-list cache folder')
      .option('--offline', 'use only cached status lists')
      .option(
        '--nonce-store <file>',
        'accept each request nonce once (from `sanad verifier request`)',
      )
      .option('--pinned-key <jwk-file|did>', 'trust-list authority key')
      .addOption(statusPolicyOption())
      .option(
        '--allow-http',
        'fetch status lists and did:web documents over http and from local addresses (a local sandbox only)',
      ),
    async (o, out) => {
      if (o.now !== undefined && Number.isNaN(Date.parse(o.now)))
        throw new SanadError('ERR_INVALID_INPUT', '--now must be an ISO 8601 date-time.');
      const clock = o.now === undefined ? undefined : fixedClock(o.now);
      let expectations: VerifyExpectations;
      if (o.request !== undefined) {
        if (o.nonce !== undefined || o.audience !== undefined)
          throw new SanadError(
            'ERR_INVALID_INPUT',
            'Give --request, or --nonce with --audience, not both.',
          );
        expectations = { request: parsePresentationRequest(await readJson(o.request)) };
      } else if (o.nonce !== undefined && o.audience !== undefined) {
        expectations = { nonce: o.nonce, audience: o.audience };
      } else {
        throw new SanadError(
          'ERR_INVALID_INPUT',
          'Give --request <file>, or --nonce <n> with --audience <aud>.',
        );
      }
      if (o.offline && !o.statusCache)
        throw new SanadError('ERR_INVALID_INPUT', '--offline needs --status-cache <dir>.');
      const pinnedKey = await pinnedKeyOption(o.pinnedKey);
      const trustList = await loadTrustList(await readInput(o.trust), {
        ...(pinnedKey ? { pinnedKey } : {}),
        ...(clock ? { clock } : {}),
      });
      const verifier = createVerifier({
        trustList,
        ...(clock ? { clock } : {}),
        ...(o.statusCache ? { statusCache: createDirectoryStatusCache(o.statusCache) } : {}),
        ...(o.offline ? { offline: true } : {}),
        ...(o.nonceStore ? { nonceStore: createFileNonceStore(o.nonceStore) } : {}),
        ...verifierNetwork(o.allowHttp),
        onStatusUnavailable: o.onStatusUnavailable,
      });
      const verification = await verifier.verify(await readInput(o.presentation), expectations);
      // A file that is no presentation at all is the operator's mistake (exit 2), not a forgery (exit 1).
      const notAPresentation = verification.errors.find((e) => e.code === 'ERR_NOT_A_PRESENTATION');
      if (notAPresentation)
        throw new SanadError('ERR_NOT_A_PRESENTATION', notAPresentation.message);
      const result = {
        ...verification,
        trust_list: trustListReport(trustList, (clock ?? systemClock).now()),
      };
      out.result(result, () => describe(result));
      return result.verified ? EXIT.OK : EXIT.REJECTED;
    },
  );
}
