import { randomBytes, toBase45 } from '@sanad/core';
import { describe, expect, it } from 'vitest';
import { qrVersion } from './qr-svg.js';
import { EASY_QR_VERSION, qrPartCollector, qrParts } from './qr-sequence.js';

/** About the size of a `SANAD1:` answer for an SD-JWT with one disclosure (QR version 25). */
const answer = `SANAD1:${toBase45(randomBytes(1190))}`;

describe('QR sequences (SANADP:)', () => {
  it('keeps a text that fits one easy code as it is', () => {
    const short = `SANAD1:${toBase45(randomBytes(200))}`;
    expect(qrParts(short)).toEqual([short]);
  });

  it('splits a long text into as few easy codes as hold it, read back in any order, with repeats', () => {
    expect(qrVersion(answer)).toBeGreaterThan(EASY_QR_VERSION);
    const parts = qrParts(answer);
    expect(parts.length).toBe(4);
    for (const part of parts) {
      expect(part).toMatch(/^SANADP:\d\/4:[0-9A-Z]{4}:[0-9A-Z $%*+\-./:]+$/);
      expect(qrVersion(part)).toBeLessThanOrEqual(EASY_QR_VERSION);
    }
    const collect = qrPartCollector();
    expect(collect(parts[2]!)).toEqual({ read: 1, total: 4 });
    expect(collect(parts[2]!)).toEqual({ read: 1, total: 4 });
    expect(collect(parts[0]!)).toEqual({ read: 2, total: 4 });
    expect(collect(parts[3]!)).toEqual({ read: 3, total: 4 });
    expect(collect(parts[1]!)).toEqual({ text: answer });
  });

  it('starts over when a part of another sequence comes, and ignores what is not a part', () => {
    const first = qrParts(answer);
    const other = qrParts(`SANAD1:${toBase45(randomBytes(1190))}`);
    const collect = qrPartCollector();
    collect(first[0]!);
    collect(first[1]!);
    expect(collect(other[0]!)).toEqual({ read: 1, total: other.length });
    for (const text of [
      answer,
      'SANADP:0/4:ABCD:X',
      'SANADP:5/4:ABCD:X',
      'SANADP:1/1:ABCD:X',
      'SANADP:1/4:abcd:X',
      'sanadp:1/4:ABCD:X',
    ])
      expect(collect(text)).toBeUndefined();
  });
});
