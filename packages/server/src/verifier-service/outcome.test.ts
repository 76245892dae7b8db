import { errorReport, type SanadErrorCode } from '@sanad/core';
import { describe, expect, it } from 'vitest';
import { outcomeOf } from './outcome.js';
import type { SessionResult } from './verifier-service.js';

const rejected = (
  codes: SanadErrorCode[],
  status: SessionResult['status'] = 'unknown',
): SessionResult => ({
  verified: false,
  issuer: 'did:key:z6Mk',
  credentialType: 'https://sanad.example/credentials/refugee-status',
  claims: {},
  status,
  errors: codes.map((code) => errorReport(code)),
  warnings: [],
});

describe('outcomeOf', () => {
  it('is pending without a result and valid when verified', () => {
    expect(outcomeOf(undefined)).toBe('pending');
    expect(
      outcomeOf({ ...rejected([], 'valid'), verified: true, claims: { age_over_18: true } }),
    ).toBe('valid');
  });

  it('names each kind of rejection', () => {
    expect(outcomeOf(rejected(['ERR_STATUS_REVOKED'], 'revoked'))).toBe('revoked');
    expect(outcomeOf(rejected(['ERR_STATUS_SUSPENDED'], 'suspended'))).toBe('revoked');
    expect(outcomeOf(rejected(['ERR_ISSUER_UNTRUSTED']))).toBe('untrusted');
    expect(outcomeOf(rejected(['ERR_ISSUER_NOT_AUTHORIZED'], 'valid'))).toBe('untrusted');
    expect(outcomeOf(rejected(['ERR_CREDENTIAL_EXPIRED'], 'valid'))).toBe('expired');
    for (const code of [
      'ERR_SIGNATURE_INVALID',
      'ERR_NONCE_MISMATCH',
      'ERR_NONCE_REPLAYED',
      'ERR_STATUS_UNAVAILABLE',
      'ERR_SDJWT_MALFORMED',
    ] as const) {
      expect(outcomeOf(rejected([code]))).toBe('invalid');
    }
  });

  it('gives the most definite reason when there are several', () => {
    expect(outcomeOf(rejected(['ERR_CREDENTIAL_EXPIRED', 'ERR_STATUS_REVOKED'], 'revoked'))).toBe(
      'revoked',
    );
    expect(outcomeOf(rejected(['ERR_CREDENTIAL_EXPIRED', 'ERR_ISSUER_NOT_AUTHORIZED']))).toBe(
      'untrusted',
    );
    expect(outcomeOf(rejected(['ERR_NONCE_MISMATCH', 'ERR_CREDENTIAL_EXPIRED']))).toBe('expired');
  });

  it('never calls an unverified result valid, whatever its status says', () => {
    expect(outcomeOf(rejected([], 'valid'))).toBe('invalid');
  });
});
