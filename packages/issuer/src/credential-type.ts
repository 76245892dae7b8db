/**
 * Credential type definitions: what a credential holds (a JSON Schema), which claims are
 * selectively disclosable, how long it is valid, and how its claims are named for people.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import {
  type CredentialTypeMetadata,
  isPlainObject,
  type LocalizedText,
  SanadError,
} from '@sanad/core';

/** Display languages every definition must provide: English, French and Arabic. */
export const REQUIRED_LOCALES = ['en', 'fr', 'ar'] as const;

/** Claim names the formats reserve; a type may not define them. */
/** Path segments that mean something to JavaScript objects (CWE-1321). */
const RESERVED_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
const RESERVED_CLAIMS = new Set([
  'iss',
  'iat',
  'nbf',
  'exp',
  'vct',
  'vct#integrity',
  'cnf',
  'status',
  'sub',
  'jti',
  'aud',
  '_sd',
  '_sd_alg',
  '...',
  'vc',
  'vp',
  '__proto__',
  'constructor',
  'prototype',
]);

export interface CredentialTypeDefinition {
  /** Short name used by the CLI and the register, e.g. `refugee-status`. */
  id: string;
  /** SD-JWT VC type URI. */
  vct: string;
  /** W3C VC type name for the VC-JWT form, e.g. `RefugeeStatusCredential`. */
  vcType: string;
  name: LocalizedText;
  description?: LocalizedText;
  /** JSON Schema (2020-12) for the claims object. */
  schema: Record<string, unknown>;
  /**
   * Selectively disclosable claim paths: `given_name`, nested `address.locality`,
   * every element of an array `nationalities[]`.
   */
  selectivelyDisclosable: string[];
  validity: { days: number };
  /** Labels per claim path, in at least en, fr and ar. */
  claimDisplay: Record<string, LocalizedText>;
}

/** A checked definition with its compiled schema. */
export interface CredentialType {
  readonly definition: CredentialTypeDefinition;
  /** Returns the claims, or throws `ERR_CLAIMS_SCHEMA_MISMATCH` naming the failing paths (never the values). */
  validateClaims(claims: unknown): Record<string, unknown>;
  readonly metadata: CredentialTypeMetadata;
}

const invalid = (message: string): never => {
  throw new SanadError('ERR_CREDENTIAL_TYPE_INVALID', message);
};

function assertLocalized(text: unknown, what: string): void {
  if (!isPlainObject(text)) invalid(`${what} must give text per language.`);
  for (const locale of REQUIRED_LOCALES) {
    const value = (text as Record<string, unknown>)[locale];
    if (typeof value !== 'string' || value.trim() === '')
      invalid(`${what} has no "${locale}" text.`);
  }
}

const ajv = new Ajv2020({ allErrors: true, strict: true });
addFormats.default(ajv);

function describeErrors(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? [])
    .slice(0, 10)
    .map(
      (e) =>
        `${e.instancePath || '/'} ${e.keyword}${e.keyword === 'required' || e.keyword === 'additionalProperties' ? ` (${Object.values(e.params).join(', ')})` : ''}`,
    )
    .join('; ');
}

/** Turns `address.locality` / `nationalities[]` into a type-metadata claim path. */
export function parseClaimPath(path: string): Array<string | null> {
  return path
    .split('.')
    .flatMap((segment) => (segment.endsWith('[]') ? [segment.slice(0, -2), null] : [segment]));
}

/**
 * Checks a definition and compiles its schema once.
 *
 * @example
 * ```ts
 * const vaccination = defineCredentialType({ id: 'vaccination', vct: 'https://…', … })
 * vaccination.validateClaims(claims)
 * ```
 */
export function defineCredentialType(definition: CredentialTypeDefinition): CredentialType {
  if (!isPlainObject(definition)) return invalid('The definition is not an object.');
  if (typeof definition.id !== 'string' || !/^[a-z0-9][a-z0-9-]{0,63}$/.test(definition.id))
    invalid('id must be a short lower-case name.');
  if (typeof definition.vct !== 'string' || !/^[a-z][a-z0-9+.-]*:\S+$/i.test(definition.vct))
    invalid('vct must be a URI.');
  if (typeof definition.vcType !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(definition.vcType))
    invalid('vcType must be a type name.');
  assertLocalized(definition.name, 'name');
  if (
    !isPlainObject(definition.validity) ||
    !Number.isInteger(definition.validity.days) ||
    definition.validity.days < 1
  ) {
    invalid('validity.days must be a whole number of days.');
  }
  const schema = definition.schema;
  if (!isPlainObject(schema) || schema.type !== 'object' || !isPlainObject(schema.properties))
    invalid('schema must describe an object with properties.');
  const properties = Object.keys(schema.properties as Record<string, unknown>);
  for (const name of properties) {
    if (RESERVED_CLAIMS.has(name)) invalid(`The claim name "${name}" is reserved.`);
  }
  if (!isPlainObject(definition.claimDisplay)) invalid('claimDisplay must label the claims.');
  for (const name of properties)
    assertLocalized(definition.claimDisplay[name], `claimDisplay["${name}"]`);
  if (!Array.isArray(definition.selectivelyDisclosable))
    invalid('selectivelyDisclosable must list claim paths.');
  for (const path of definition.selectivelyDisclosable) {
    if (typeof path !== 'string' || !properties.includes(path.split('.')[0]!.replace(/\[\]$/, '')))
      invalid(
        typeof path === 'string'
          ? `The disclosable path "${path}" is not a claim of the schema.`
          : 'A disclosable path is not text.',
      );
    if (parseClaimPath(path).some((segment) => segment !== null && RESERVED_SEGMENTS.has(segment)))
      invalid(`The disclosable path "${path}" names a JavaScript-reserved member.`);
  }
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (cause) {
    throw new SanadError('ERR_CREDENTIAL_TYPE_INVALID', 'The schema does not compile.', { cause });
  }
  const sd = new Set(definition.selectivelyDisclosable);
  const metadata: CredentialTypeMetadata = {
    vct: definition.vct,
    ...(definition.name.en ? { name: definition.name.en } : {}),
    display: Object.entries(definition.name).map(([locale, name]) => ({
      locale,
      name,
      ...(definition.description?.[locale] ? { description: definition.description[locale] } : {}),
    })),
    claims: Object.entries(definition.claimDisplay).map(([path, labels]) => ({
      path: parseClaimPath(path),
      display: Object.entries(labels).map(([locale, label]) => ({ locale, label })),
      sd: sd.has(path) ? 'always' : 'never',
    })),
    vc_type: ['VerifiableCredential', definition.vcType],
  };
  return Object.freeze({
    definition,
    metadata,
    validateClaims(claims: unknown): Record<string, unknown> {
      if (!validate(claims))
        throw new SanadError(
          'ERR_CLAIMS_SCHEMA_MISMATCH',
          `The claims do not match the ${definition.id} schema: ${describeErrors(validate.errors)}.`,
        );
      return claims as Record<string, unknown>;
    },
  });
}
