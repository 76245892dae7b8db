/** Reading a QR code from RGBA pixels with jsQR: the camera's fallback decoder, and the tests' reader of screenshots. */
import jsQRModule from 'jsqr';

type ReadQr = (
  data: Uint8ClampedArray,
  width: number,
  height: number,
  options: { inversionAttempts: 'attemptBoth' },
) => { data: string } | null;
// jsqr is CommonJS: bundlers and Node both hand over its function, but TypeScript types the import
// differently under the web apps' bundler resolution and the tests' NodeNext one.
const jsQR = jsQRModule as unknown as ReadQr;

/** The text of the QR code in `data` (RGBA, `width` × `height`), dark on light or light on dark; undefined when none is readable. */
export function readQrPixels(
  data: Uint8ClampedArray,
  width: number,
  height: number,
): string | undefined {
  return jsQR(data, width, height, { inversionAttempts: 'attemptBoth' })?.data || undefined;
}
