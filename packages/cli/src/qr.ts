/** QR codes for the terminal and for files (`qrcode`), at error-correction level L. */
import QRCode from 'qrcode';

const ALPHANUMERIC = /^[0-9A-Z $%*+\-./:]*$/;

export interface RenderedQr {
  /** QR version (1-40): the code's size class; phone cameras read up to about 25 reliably. */
  version: number;
  /** Characters encoded. */
  length: number;
  /** Block characters for a terminal. */
  terminal: string;
}

// Base45 payloads fit QR's alphanumeric mode (5.5 bits a character) instead of byte mode (8).
const segmentsOf = (text: string): QRCode.QRCodeSegment[] => [
  ALPHANUMERIC.test(text)
    ? { data: text, mode: 'alphanumeric' }
    : { data: new TextEncoder().encode(text), mode: 'byte' },
];

export async function renderQr(text: string): Promise<RenderedQr> {
  const segments = segmentsOf(text);
  const { version } = QRCode.create(segments, { errorCorrectionLevel: 'L' });
  const terminal = await QRCode.toString(segments, {
    type: 'terminal',
    small: true,
    errorCorrectionLevel: 'L',
  });
  return { version, length: text.length, terminal };
}

export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(segmentsOf(text), { type: 'svg', errorCorrectionLevel: 'L', margin: 2 });
}
