import { describe, expect, it } from 'vitest';
import { expiryOf } from './credential-status.js';

const NOW = Date.parse('2026-12-02T12:00:00Z');

describe('expiryOf', () => {
  it('says expired, expires soon within 30 days, and nothing further out or without a date', () => {
    expect(expiryOf('2026-12-01T00:00:00Z', NOW)).toBe('expired');
    expect(expiryOf('2026-12-02T12:00:00Z', NOW)).toBe('expired');
    expect(expiryOf('2026-12-20T00:00:00Z', NOW)).toBe('expires-soon');
    expect(expiryOf('2027-01-01T12:00:00Z', NOW)).toBe('expires-soon');
    expect(expiryOf('2027-01-01T12:00:01Z', NOW)).toBeUndefined();
    expect(expiryOf('2028-01-01T00:00:00Z', NOW)).toBeUndefined();
    expect(expiryOf(undefined, NOW)).toBeUndefined();
    expect(expiryOf('not a date', NOW)).toBeUndefined();
  });
});
