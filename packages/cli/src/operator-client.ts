/**
 * The issuer service's operator API, for `sanad issuer … --service <url>`: the same register
 * the running service uses, wherever its database is. The token comes from SANAD_OPERATOR_TOKEN.
 */
import { ERROR_CODES, isPlainObject, SanadError, type SanadErrorCode } from '@sanad/core';
import type { IssuedCredentialRecord, PublishedStatusList } from '@sanad/issuer';
import { OPERATOR_TOKEN_ENV } from './serve.js';

export interface IssuerOperator {
  list(): Promise<IssuedCredentialRecord[]>;
  change(
    action: 'revoke' | 'suspend' | 'reinstate',
    id: string,
  ): Promise<Array<{ id: string; batch_id: string; status: string }>>;
  statusLists(): Promise<PublishedStatusList[]>;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * @example
 * ```ts
 * const changed = await issuerOperator('https://issuer.agency.example').change('revoke', batchId)
 * ```
 */
export function issuerOperator(
  serviceUrl: string,
  options: { allowHttp?: boolean } = {},
): IssuerOperator {
  let base: URL;
  try {
    base = new URL(serviceUrl);
  } catch {
    throw new SanadError(
      'ERR_INVALID_INPUT',
      '--service must be the service URL, e.g. https://issuer.agency.example.',
    );
  }
  // The operator token must not cross a network in the clear; loopback (the same machine) is fine.
  if (
    base.protocol !== 'https:' &&
    !(base.protocol === 'http:' && (LOOPBACK.has(base.hostname) || options.allowHttp))
  ) {
    throw new SanadError(
      'ERR_INVALID_INPUT',
      '--service must be an https URL (http only to this machine, or with --allow-http for tests).',
    );
  }
  const token = process.env[OPERATOR_TOKEN_ENV];
  if (!token)
    throw new SanadError(
      'ERR_CONFIG_INVALID',
      `Set ${OPERATOR_TOKEN_ENV} to the service's operator token.`,
    );
  const root = base.href.replace(/\/+$/, '');
  const call = async (method: string, path: string): Promise<Record<string, unknown>> => {
    let response: Response;
    try {
      response = await fetch(`${root}/operator${path}`, {
        method,
        headers: { authorization: `Bearer ${token}` },
        redirect: 'error',
      });
    } catch (cause) {
      const reason = (cause as { cause?: { code?: string } }).cause?.code;
      throw new SanadError(
        'ERR_SERVICE_UNREACHABLE',
        `The issuer service at ${root} could not be reached${reason ? ` (${reason})` : ''}.`,
        { cause },
      );
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!isPlainObject(body))
      throw new SanadError(
        'ERR_SERVICE_UNREACHABLE',
        `${root} answered ${response.status} without a Sanad operator response: is it the issuer service?`,
      );
    if (!response.ok) {
      const code: SanadErrorCode =
        typeof body.sanad_code === 'string' && Object.hasOwn(ERROR_CODES, body.sanad_code)
          ? (body.sanad_code as SanadErrorCode)
          : 'ERR_SERVICE_UNREACHABLE';
      throw new SanadError(
        code,
        typeof body.error_description === 'string' ? body.error_description : undefined,
      );
    }
    return body;
  };
  return {
    list: async () => (await call('GET', '/credentials')).credentials as IssuedCredentialRecord[],
    change: async (action, id) =>
      (await call('POST', `/credentials/${encodeURIComponent(id)}/${action}`)).changed as Array<{
        id: string;
        batch_id: string;
        status: string;
      }>,
    statusLists: async () => (await call('GET', '/status-lists')).lists as PublishedStatusList[],
  };
}
