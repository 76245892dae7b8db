/** `--format`: a credential format from the registry, the default first. */
import {
  CREDENTIAL_FORMATS,
  type Cryptosuite,
  type CredentialFormat,
  cryptosuiteFor,
  DEFAULT_FORMAT,
  formatOf,
  isCredentialFormat,
  SanadError,
} from '@sanad/core';

/** `.option(...FORMAT_FLAG)`: its name, help and default. */
export const FORMAT_FLAG = [
  '--format <format>',
  CREDENTIAL_FORMATS.join(' or '),
  DEFAULT_FORMAT,
] as const;

/** The `--format` value; `ERR_UNSUPPORTED_FORMAT` for a format Sanad does not know. */
export function checkedFormat(value: string): CredentialFormat {
  if (!isCredentialFormat(value))
    throw new SanadError(
      'ERR_UNSUPPORTED_FORMAT',
      `--format must be ${CREDENTIAL_FORMATS.join(' or ')}.`,
    );
  return value;
}

/** `.option(...CRYPTOSUITE_FLAG)`: the Data Integrity suite of an `ldp_vc` credential. */
export const CRYPTOSUITE_FLAG = [
  '--cryptosuite <suite>',
  'for ldp_vc: ecdsa-sd-2023 (default) or bbs-2023 (unlinkable presentations; needs `sanad issuer bbs-key`)',
] as const;

/** The `--cryptosuite` value, one the `--format` offers (`ERR_INVALID_INPUT` otherwise). */
export const checkedCryptosuite = (
  value: string | undefined,
  format: CredentialFormat,
): Cryptosuite | undefined => cryptosuiteFor(formatOf(format), value);
