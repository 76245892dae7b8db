/**
 * The verifier service's operator API, on the page's own origin: the desk is served at
 * `<service>/desk/`, the API at `<service>/operator/`.
 */

/** `refused`: the request was closed after too many answers that did not verify. */
export type Outcome =
  | 'pending'
  | 'valid'
  | 'invalid'
  | 'revoked'
  | 'untrusted'
  | 'expired'
  | 'refused';

export interface Preset {
  id: string;
  name: Record<string, string>;
  purpose: Record<string, string>;
}

export interface Session {
  session_id: string;
  authorization_request: string;
  /** Epoch seconds. */
  expires_at: number;
}

export interface SessionView {
  status: 'pending' | 'answered' | 'refused';
  preset: string;
  outcome: Outcome;
  /** While pending: an answer came but its status could not be checked yet; it can be sent again. */
  statusUnavailable?: { at: number };
  /** Answers refused so far: they settled nothing (anyone who sees the QR code can answer it). */
  refusedAnswers?: number;
  /** The last refused answer: its code and what it would have shown. */
  lastRefusal?: { at: number; code: string; outcome: Exclude<Outcome, 'pending' | 'refused'> };
  /** A wallet declined: the holder, or anyone who saw the QR code, so the request still waits. */
  declined?: { at: number; error: string };
  result?: {
    verified: boolean;
    issuer: string;
    issuerName?: string;
    credentialType: string;
    /** Only the requested claims. */
    claims: Record<string, unknown>;
  };
}

/** A failed call: `status` 0 when the service could not be reached. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const OPERATOR = new URL('../operator/', document.baseURI);

async function call<T>(
  token: string,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL(path, OPERATOR), {
      method,
      cache: 'no-store',
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'network', 'The verifier service cannot be reached.');
  }
  if (response.status === 204) return undefined as T;
  const json = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    throw new ApiError(
      response.status,
      typeof json.sanad_code === 'string'
        ? json.sanad_code
        : typeof json.error === 'string'
          ? json.error
          : 'error',
      typeof json.error_description === 'string'
        ? json.error_description
        : `HTTP ${response.status}`,
    );
  }
  return json as T;
}

/** The operator API for one token. */
export function operatorApi(token: string) {
  return {
    presets: () => call<{ presets: Preset[] }>(token, 'GET', 'presets').then((r) => r.presets),
    createSession: (preset: string, offline: boolean) =>
      call<Session>(token, 'POST', 'sessions', { preset, ...(offline ? { offline: true } : {}) }),
    /** A session for the Digital Credentials API: its request for this page's origin, answered to it. */
    createDcApiSession: (preset: string) =>
      call<Session>(token, 'POST', 'sessions', { preset, response_mode: 'dc_api.jwt' }),
    /** Hands on what the wallet answered through the browser (the browser adds this page's Origin). */
    answerDcApi: (id: string, response: unknown) =>
      call<SessionView>(token, 'POST', `sessions/${encodeURIComponent(id)}/dc-api`, { response }),
    session: (id: string) => call<SessionView>(token, 'GET', `sessions/${encodeURIComponent(id)}`),
    answerOffline: (id: string, presentation: string) =>
      call<SessionView>(token, 'POST', `sessions/${encodeURIComponent(id)}/offline`, {
        presentation,
      }),
    forget: (id: string) => call<void>(token, 'DELETE', `sessions/${encodeURIComponent(id)}`),
  };
}

export type OperatorApi = ReturnType<typeof operatorApi>;
