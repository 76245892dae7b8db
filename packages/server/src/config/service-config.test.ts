import { isSanadError } from '@sanad/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOAD_SHEDDING } from '../middleware/load-shedding/index.js';
import { DEFAULT_RATE_LIMITS } from '../middleware/rate-limit/index.js';
import { DEFAULT_MAX_OPEN_SESSIONS } from '../verifier-service/protocol.js';
import { defencesOf, PROFILE_NAMES, resolveServiceConfig } from './service-config.js';

const refusal = (file: unknown, options: { profile?: string } = {}): string => {
  try {
    resolveServiceConfig(file, options);
  } catch (err) {
    if (isSanadError(err) && err.code === 'ERR_CONFIG_INVALID') return err.message;
    throw err;
  }
  throw new Error('accepted');
};

describe('resolveServiceConfig', () => {
  it('without a file is the standard profile: the services own defaults', () => {
    const config = resolveServiceConfig();
    expect(config.profile).toBe('standard');
    expect(config.verifier).toMatchObject({
      sessionTtlSeconds: 300,
      resultRetentionSeconds: 300,
      maxOpenSessions: DEFAULT_MAX_OPEN_SESSIONS,
      statusPolicy: 'reject',
    });
    expect(defencesOf(config)).toEqual({
      rateLimit: {
        public: DEFAULT_RATE_LIMITS.public,
        operator: DEFAULT_RATE_LIMITS.operator,
        operatorFailures: DEFAULT_RATE_LIMITS.operatorFailures,
        trustProxy: 0,
        maxClients: DEFAULT_RATE_LIMITS.maxClients,
      },
      loadShedding: {
        maxInFlight: DEFAULT_LOAD_SHEDDING.maxInFlight,
        maxEventLoopLagMs: DEFAULT_LOAD_SHEDDING.maxEventLoopLagMs,
        retryAfterSeconds: DEFAULT_LOAD_SHEDDING.retryAfterSeconds,
      },
    });
  });

  it('merges the profile the file names, then the file fields, then validates', () => {
    const config = resolveServiceConfig({
      profile: 'high-risk',
      verifier: { sessionTtlSeconds: 90 },
      defences: { rateLimit: { public: { burst: 50, perSecond: 5 } } },
    });
    expect(config.verifier).toMatchObject({
      sessionTtlSeconds: 90,
      resultRetentionSeconds: 60,
      statusPolicy: 'reject',
      maxStatusAgeSeconds: 3600,
    });
    expect(config.logLevel).toBe('warn');
    // A field set inside an object leaves its siblings from the profile.
    expect(config.defences.rateLimit).toMatchObject({
      public: { burst: 50, perSecond: 5 },
      operator: { burst: 200, perSecond: 20 },
    });
  });

  it('takes the profile given beside the file over the one the file names', () => {
    expect(
      resolveServiceConfig({ profile: 'high-risk' }, { profile: 'ministry-scale' }).database
        .backend,
    ).toBe('postgresql');
  });

  it('lets `false` switch a defence off', () => {
    expect(defencesOf(resolveServiceConfig({ defences: { rateLimit: false } })).rateLimit).toBe(
      false,
    );
  });

  it('gives every profile valid settings', () => {
    for (const profile of PROFILE_NAMES)
      expect(resolveServiceConfig({}, { profile }).profile).toBe(profile);
  });

  it('refuses a bad value with ERR_CONFIG_INVALID naming the field path', () => {
    expect(refusal({ verifier: { sessionTtlSeconds: 10 } })).toBe(
      'verifier.sessionTtlSeconds: must be an integer from 30 to 86400',
    );
    expect(refusal({ verifier: { sessionTtlSeconds: 30.5 } })).toContain(
      'verifier.sessionTtlSeconds',
    );
    expect(refusal({ verifier: { statusPolicy: 'accept' } })).toBe(
      'verifier.statusPolicy: must be one of reject, accept-with-warning',
    );
    expect(refusal({ defences: { rateLimit: { public: { burst: 0, perSecond: 1 } } } })).toBe(
      'defences.rateLimit.public.burst: must be an integer ≥ 1',
    );
    expect(refusal({ logLevel: 'loud' })).toContain('logLevel: must be one of');
  });

  it('names a misspelt or unknown field instead of ignoring it', () => {
    expect(refusal({ verifier: { sessionTTLSeconds: 60 } })).toBe(
      'verifier.sessionTTLSeconds: is not a setting (misspelt?)',
    );
    expect(refusal({ verfier: {} })).toBe('verfier: is not a setting (misspelt?)');
  });

  it('reports every problem at once', () => {
    expect(
      refusal({ verifier: { sessionTtlSeconds: 1, resultRetentionSeconds: -1 } }).split('; '),
    ).toHaveLength(2);
  });

  it('refuses an unknown profile and a file that is no object', () => {
    expect(refusal({ profile: 'fast' })).toBe(
      'profile: must be one of standard, field-office-offline, high-risk, ministry-scale',
    );
    expect(refusal({}, { profile: 'fast' })).toContain('profile: must be one of');
    expect(refusal([])).toContain('one JSON object');
  });

  it('never repeats a value in its message: a database URL may hold a password', () => {
    const message = refusal({
      database: { backend: 'postgresql', url: 'mysql://sanad:s3cret-pass@db/sanad' },
    });
    expect(message).toBe('database.url: must be a postgres:// URL');
    expect(message).not.toContain('s3cret');
    expect(refusal({ database: { url: 'postgres://db/sanad' } })).toBe(
      'database.url: is set, but database.backend is sqlite (set it to postgresql)',
    );
    expect(
      resolveServiceConfig({
        database: { backend: 'postgresql', url: 'postgres://db/sanad', schema: 'clinic' },
      }).database.schema,
    ).toBe('clinic');
  });
});
