/**
 * The credential formats Sanad knows, by their OpenID4VC identifier. Adding a format is its
 * module (a folder beside these), one line in `REGISTERED`, its tests and its docs.
 */
import { SanadError } from '../errors.js';
import type { CredentialFormat } from '../types.js';
import type { CredentialFormatModule, DataIntegritySuite } from './format.js';
import { sdJwtVc } from './sd-jwt-vc/index.js';
import { ldpVc } from './ldp-vc/index.js';
import { vcJwt } from './vc-jwt/index.js';

export type * from './format.js';
export { DECOYS_PER_LEVEL, SALT_BYTES, signSdJwtVc } from './sd-jwt-vc/issue.js';
export { signVcJwt, VC_V1_CONTEXT } from './vc-jwt/index.js';
export {
  type Cryptosuite,
  type DataIntegrityStatusList,
  type DiSigner,
  type DocumentLoader,
  documentLoader,
  issueDataIntegrity,
  deriveProof,
  signStatusListDataIntegrity,
  verifyDerivedProof,
  verifyStatusListDataIntegrity,
  SANAD_CONTEXT,
  VC_V2_CONTEXT,
} from './ldp-vc/index.js';
export { didIssuerKey } from './shared.js';

/** In order of preference: the first is the default where a caller names none. */
const REGISTERED: readonly CredentialFormatModule[] = [sdJwtVc, vcJwt, ldpVc];

const BY_ID = new Map<string, CredentialFormatModule>(REGISTERED.map((f) => [f.id, f]));

/** Every registered format, the default first. */
export const CREDENTIAL_FORMAT_MODULES: readonly CredentialFormatModule[] = REGISTERED;

/** Every format's identifier, the default first. */
export const CREDENTIAL_FORMATS: readonly CredentialFormat[] = REGISTERED.map((f) => f.id);

/** The format Sanad issues and asks for where a caller names none. */
export const DEFAULT_FORMAT: CredentialFormat = REGISTERED[0]!.id;

export function isCredentialFormat(id: unknown): id is CredentialFormat {
  return typeof id === 'string' && BY_ID.has(id);
}

/**
 * The Data Integrity suite asked for a credential of `format`, checked against the suites the
 * format offers; `undefined` when none was asked. `ERR_INVALID_INPUT` for any other value.
 */
export function cryptosuiteFor(
  format: CredentialFormatModule,
  value: unknown,
): DataIntegritySuite | undefined {
  if (value === undefined) return undefined;
  const suite = format.cryptosuites?.find((s) => s === value);
  if (!suite)
    throw new SanadError(
      'ERR_INVALID_INPUT',
      format.cryptosuites
        ? `${format.id} credentials take the cryptosuite ${format.cryptosuites.join(' or ')}.`
        : `${format.id} credentials take no cryptosuite.`,
    );
  return suite;
}

/** The module of a format; `ERR_UNSUPPORTED_FORMAT` for one Sanad does not know. */
export function formatOf(id: unknown): CredentialFormatModule {
  const format = typeof id === 'string' ? BY_ID.get(id) : undefined;
  if (!format)
    throw new SanadError(
      'ERR_UNSUPPORTED_FORMAT',
      `Sanad knows the formats ${CREDENTIAL_FORMATS.join(', ')}.`,
    );
  return format;
}

/** The format a DCQL credential query names (its own identifier or an accepted alias), if known. */
export function formatOfQuery(queryFormat: string): CredentialFormatModule | undefined {
  return REGISTERED.find((f) => f.id === queryFormat || f.queryAliases.includes(queryFormat));
}

/** The format a raw credential has, by its shape; `ERR_UNSUPPORTED_FORMAT` when none claims it. */
export function formatOfCredential(text: string): CredentialFormatModule {
  const format = REGISTERED.find((f) => f.recognizes(text));
  if (!format) throw new SanadError('ERR_UNSUPPORTED_FORMAT');
  return format;
}

/** The format a presentation has, by its shape (the first registered that claims it). */
export function formatOfPresentation(text: string): CredentialFormatModule {
  const format = REGISTERED.find((f) => f.recognizesPresentation(text));
  if (!format) throw new SanadError('ERR_UNSUPPORTED_FORMAT');
  return format;
}

/** OpenID4VP 1.0 `vp_formats_supported` for the given formats (every format by default). */
export function vpFormatsSupported(
  ids: Iterable<string> = CREDENTIAL_FORMATS,
): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const id of ids) out[id] = { ...(BY_ID.get(id)?.vpFormatsSupported ?? {}) };
  return out;
}
