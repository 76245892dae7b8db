/** `--format`: a credential format from the registry, the default first. */
import {
  CREDENTIAL_FORMATS,
  type CredentialFormat,
  DEFAULT_FORMAT,
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
