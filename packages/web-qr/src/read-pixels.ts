/** Reading a QR code from RGBA pixels with jsQR: the camera's fallback decoder, and the tests' reader of screenshots. */
import jsQR from 'jsqr';

/** The text of the QR code in `data` (RGBA, `width` × `height`), dark on light or light on dark; undefined when none is readable. */
export function readQrPixels(data: Uint8ClampedArray, width: number, height: number): string | undefined {
  return jsQR(data, width, height, { inversionAttempts: 'attemptBoth' })?.data || undefined;
}
