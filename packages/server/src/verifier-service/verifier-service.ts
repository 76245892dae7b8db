/**
 * The verifier service: the protocol object ({@link createVerifierProtocol}) and its HTTP app
 * ({@link createVerifierApp}), put together from one set of options.
 */
import type { Hono } from 'hono';
import { epochSeconds, systemClock } from '@sanad/core';
import { type DefencesOptions, servicesDefences } from '../middleware/defences/index.js';
import { createObservability, type Observability } from '../observability/observability.js';
import {
  signingKeyLoaded,
  statusListsUsable,
  trustListCurrent,
} from '../observability/readiness.js';
import { createVerifierApp } from './app.js';
import {
  type CreatedSession,
  type CreateSessionOptions,
  createVerifierProtocol,
  type SessionView,
  type VerifierProtocol,
  type VerifierProtocolOptions,
} from './protocol.js';
import type { LintFinding } from './presets.js';

export {
  type AcceptedResponse,
  type CreatedSession,
  type CreateSessionOptions,
  createVerifierProtocol,
  DEFAULT_MAX_OPEN_SESSIONS,
  MAX_REFUSED_ANSWERS,
  type PresetSummary,
  type DeclineNote,
  type RefusalNote,
  type ResponseMode,
  type SameDeviceResult,
  type SessionResult,
  type SessionStatus,
  type SessionView,
  serviceNonceStore,
  type StatusUnavailableNote,
  StoreFullError,
  type VerifierProtocol,
  type VerifierProtocolOptions,
} from './protocol.js';
export { createVerifierApp, type VerifierAppOptions } from './app.js';

export interface VerifierServiceOptions extends VerifierProtocolOptions {
  operatorToken?: string;
  /** Rate limits and load shedding, on by default (see docs/deployment.md); `false`: none. */
  defences?: DefencesOptions | false;
  /**
   * Reverse proxies in front that append to `X-Forwarded-For` (`true`: one), for the rate
   * limits. Only when every request comes through them: otherwise clients write their own address.
   */
  trustProxy?: boolean | number;
  /** The built desk page (`@sanad/verifier-web`'s `dist`, an absolute path), served at `/desk/`. */
  deskDir?: string;
  /** JSON logs, metrics and readiness (default: logs on standard error, a metrics registry of its own). */
  observability?: Observability;
}

export interface VerifierService {
  app: Hono;
  protocol: VerifierProtocol;
  createSession(input: CreateSessionOptions): Promise<CreatedSession>;
  /** What the operator reads about a session (`protocol.view`). */
  sessionResult(sessionId: string): Promise<SessionView>;
  /** The holder's `SANAD1:` code for an offline session (`protocol.offlineAnswer`). */
  answerOffline(sessionId: string, presentation: string): Promise<SessionView>;
  clientId: string;
  lint: LintFinding[];
}

/**
 * Creates the verifier service.
 *
 * @example
 * ```ts
 * const service = await createVerifierService({ verifier, store, baseUrl, signer, verifierName: 'Al Noor Clinic', presets, operatorToken })
 * ```
 */
export async function createVerifierService(
  options: VerifierServiceOptions,
): Promise<VerifierService> {
  const observability = options.observability ?? createObservability('verifier');
  const log = options.log ?? observability.log;
  const { defences: defended } = servicesDefences(options.defences, options.trustProxy);
  const protocol = await createVerifierProtocol({
    ...options,
    log,
    onVerification: (v) => observability.metrics.recordVerification(v),
  });
  const app = createVerifierApp(protocol, {
    observability,
    instrument: {
      store: options.store,
      kinds: ['session', 'vp_nonce'],
      now: () => epochSeconds(options.clock),
      checks: {
        signing_key: signingKeyLoaded(options.signer),
        trust_list: trustListCurrent(options.verifier.trustList, options.clock ?? systemClock),
      },
      // Every instance shares an issuer's outage: taking them all out would refuse the credentials of every other issuer too.
      advisories: { status_lists: statusListsUsable(observability.metrics) },
    },
    ...(options.operatorToken !== undefined ? { operatorToken: options.operatorToken } : {}),
    ...(options.deskDir !== undefined ? { deskDir: options.deskDir } : {}),
    ...(defended !== undefined ? { defences: defended } : {}),
    log,
  });
  return {
    app,
    protocol,
    createSession: (input) => protocol.createSession(input),
    sessionResult: (sessionId) => protocol.view(sessionId),
    answerOffline: (sessionId, presentation) => protocol.offlineAnswer(sessionId, presentation),
    clientId: protocol.clientId,
    lint: protocol.lint,
  };
}
