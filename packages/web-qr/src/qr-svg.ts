/** Drawing a QR code as SVG text, at error-correction level L (screens and paper are clean). */
import QRCode from 'qrcode';

const ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]*$/;

// Base45 payloads (`SANAD1:…`) fit QR's alphanumeric mode, 5.5 bits a character instead of 8.
const segmentsOf = (text: string): QRCode.QRCodeSegment[] => [
  ALPHANUMERIC.test(text)
    ? { data: text, mode: 'alphanumeric' }
    : { data: new TextEncoder().encode(text), mode: 'byte' },
];

/**
 * An SVG image of `text` as a QR code, with a two-module quiet zone; it scales to any size.
 *
 * @example
 * ```ts
 * const img = new Image()
 * img.src = `data:image/svg+xml,${encodeURIComponent(await qrSvg(authorizationRequest))}`
 * ```
 */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(segmentsOf(text), { type: 'svg', errorCorrectionLevel: 'L', margin: 2 });
}

/**
 * The QR version (1-40) `text` needs: its size class. Phone cameras read up to about 25 easily
 * from a screen; above that, show the code large.
 *
 * @example
 * ```ts
 * if (qrVersion(code) > 25) figure.classList.add('dense')
 * ```
 */
export function qrVersion(text: string): number {
  return QRCode.create(segmentsOf(text), { errorCorrectionLevel: 'L' }).version;
}
