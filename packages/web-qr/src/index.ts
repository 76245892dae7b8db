/** `@sanad/web-qr`: QR codes in the browser, drawn as SVG and read from the camera. */
export { qrSvg, qrVersion } from './qr-svg.js';
export {
  EASY_QR_VERSION,
  type PartProgress,
  QR_PART_PREFIX,
  qrPartCollector,
  qrParts,
} from './qr-sequence.js';
export { type ScanOptions, scanQr } from './scan-qr.js';
