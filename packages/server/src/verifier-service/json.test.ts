import { describe, expect, it } from 'vitest';
import { parseJsonBounded } from './json.js';

describe('parseJsonBounded', () => {
  it('parses JSON within its bounds, brackets inside strings not counted', () => {
    expect(parseJsonBounded('{"q":["a[[[[","b\\"{{"]}', { maxDepth: 2 })).toEqual({ q: ['a[[[[', 'b"{{'] });
  });

  it('refuses text too deep, too long or not JSON, each by its code', () => {
    expect(() => parseJsonBounded('[[[1]]]', { maxDepth: 2 })).toThrow(expect.objectContaining({ code: 'ERR_INPUT_TOO_DEEP' }));
    expect(() => parseJsonBounded('['.repeat(60_000) + ']'.repeat(60_000))).toThrow(expect.objectContaining({ code: 'ERR_INPUT_TOO_DEEP' }));
    expect(() => parseJsonBounded('"abcdef"', { maxLength: 4 })).toThrow(expect.objectContaining({ code: 'ERR_INPUT_TOO_LARGE' }));
    expect(() => parseJsonBounded('{"a":')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_JSON' }));
  });
});
