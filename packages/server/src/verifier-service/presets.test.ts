import { describe, expect, it } from 'vitest';
import { checkPresets, lintPresets, standardPresets, type VerifierPreset } from './presets.js';

const VCT = 'https://sanad.example/credentials/refugee-status';
const overAsking: VerifierPreset = {
  id: 'over-18-greedy',
  name: { en: 'Over 18' },
  purpose: { en: 'Confirm that you are an adult' },
  purposeClaims: ['age_over_18'],
  credentials: [
    {
      format: 'dc+sd-jwt',
      types: [VCT],
      claims: [['age_over_18'], ['given_name'], ['address', 'locality']],
    },
  ],
};

describe('data-minimisation lint', () => {
  it('passes the standard presets', () => {
    expect(lintPresets(standardPresets(VCT))).toEqual([]);
  });

  it('names every claim a preset asks for beyond its purpose', () => {
    expect(lintPresets([overAsking])).toEqual([
      {
        code: 'WARN_REQUEST_OVER_ASKS',
        preset: 'over-18-greedy',
        claims: ['given_name', 'address.locality'],
        message: expect.stringContaining('given_name, address.locality'),
      },
    ]);
  });

  it('refuses to start with an over-asking preset unless told to, and logs it either way', () => {
    const logged: string[] = [];
    expect(() => checkPresets([overAsking], { log: (m) => logged.push(m) })).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
    expect(
      checkPresets([overAsking], { allowOverAsking: true, log: (m) => logged.push(m) }),
    ).toHaveLength(1);
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatch(/^data minimisation: /);
  });

  it('refuses duplicate or malformed ids and presets without a purpose', () => {
    const [a] = standardPresets(VCT);
    expect(() => checkPresets([a!, a!])).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
    expect(() => checkPresets([{ ...a!, id: 'Not An Id' }])).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
    expect(() => checkPresets([{ ...a!, purpose: {} }])).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    );
  });
});
