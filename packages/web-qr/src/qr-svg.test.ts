import jsQR from 'jsqr';
import { describe, expect, it } from 'vitest';
import { qrSvg, qrVersion } from './qr-svg.js';

/** Rasterises the SVG `qrcode` draws (horizontal runs: `M x y.5`, `m dx dy`, `h n`) and reads it back with jsQR. */
function readSvg(svg: string): string | undefined {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)![1]);
  const scale = 4;
  const side = size * scale;
  const pixels = new Uint8ClampedArray(side * side * 4).fill(255);
  const dark = /<path stroke="#000000" d="([^"]+)"/.exec(svg)![1]!;
  let x = 0;
  let y = 0;
  for (const [, op, a, b] of dark.matchAll(/([Mmh])(-?[\d.]+)(?: (-?[\d.]+))?/g)) {
    if (op === 'M') [x, y] = [Number(a), Math.floor(Number(b))];
    else if (op === 'm') [x, y] = [x + Number(a), y + Math.floor(Number(b))];
    else {
      for (let px = x * scale; px < (x + Number(a)) * scale; px += 1) {
        for (let py = y * scale; py < (y + 1) * scale; py += 1)
          pixels.fill(0, (py * side + px) * 4, (py * side + px) * 4 + 3);
      }
      x += Number(a);
    }
  }
  return jsQR(pixels, side, side)?.data;
}

describe('qrSvg', () => {
  it('draws a code that reads back as the same text', async () => {
    const request =
      'openid4vp://?client_id=decentralized_identifier%3Adid%3Ajwk%3AeyJrdHkiOiJFQyJ9&request_uri=https%3A%2F%2Fclinic.example%2Frequests%2Fabc';
    const svg = await qrSvg(request);
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    // The quiet zone is two modules on each side.
    expect(svg).toContain(`viewBox="0 0 ${17 + 4 * qrVersion(request) + 4} `);
    expect(readSvg(svg)).toBe(request);
  });

  it('packs SANAD1 offline codes in alphanumeric mode, a smaller code than bytes would need', async () => {
    const code = `SANAD1:${'6BFOXN*TS0BI$ZDFRH'.repeat(40)}`;
    expect(readSvg(await qrSvg(code))).toBe(code);
    expect(qrVersion(code)).toBeLessThan(qrVersion(code.toLowerCase()));
  });
});
