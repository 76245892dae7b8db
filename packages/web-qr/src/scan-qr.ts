/**
 * Reading a QR code from the camera: the browser's own `BarcodeDetector` where it has one for
 * QR codes, jsQR on a canvas otherwise. The camera is released whatever happens.
 */
import { SanadError } from '@sanad/core';
import { type PartProgress, qrPartCollector } from './qr-sequence.js';

export interface ScanOptions {
  /** Stops scanning (and the camera); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called at each part of a `SANADP:` sequence read, with how many of its parts are in (they are collected until the text is whole). */
  onPart?: (progress: PartProgress) => void;
}

/** Reads one frame of `video`; undefined when it shows no readable code. */
type FrameDecoder = (video: HTMLVideoElement) => Promise<string | undefined>;

// Not yet in TypeScript's DOM library (Shape Detection API).
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<Array<{ rawValue: string }>>;
}
interface BarcodeDetectorConstructor {
  new (options: { formats: string[] }): BarcodeDetectorLike;
  getSupportedFormats(): Promise<string[]>;
}

/** Time between two decoding attempts: enough for a phone to keep up, quick enough to feel instant. */
const FRAME_INTERVAL_MS = 150;
/** jsQR's cost grows with the pixels; this still resolves a dense code filling half the frame. */
const MAX_FRAME_SIDE = 960;

async function nativeDecoder(): Promise<FrameDecoder | undefined> {
  const Detector = (globalThis as { BarcodeDetector?: BarcodeDetectorConstructor }).BarcodeDetector;
  if (!Detector) return undefined;
  const formats = await Detector.getSupportedFormats().catch((): string[] => []);
  if (!formats.includes('qr_code')) return undefined;
  const detector = new Detector({ formats: ['qr_code'] });
  return async (video) => (await detector.detect(video))[0]?.rawValue;
}

async function canvasDecoder(): Promise<FrameDecoder> {
  // Loaded only where the browser has no detector of its own: it is most of this package's weight.
  const { readQrPixels } = await import('./read-pixels.js');
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context)
    throw new SanadError('ERR_CAMERA_UNAVAILABLE', 'This browser cannot read camera frames.');
  return async (video) => {
    const scale = Math.min(1, MAX_FRAME_SIDE / Math.max(video.videoWidth, video.videoHeight));
    const width = Math.round(video.videoWidth * scale);
    const height = Math.round(video.videoHeight * scale);
    if (width === 0 || height === 0) return undefined;
    canvas.width = width;
    canvas.height = height;
    context.drawImage(video, 0, 0, width, height);
    return readQrPixels(context.getImageData(0, 0, width, height).data, width, height);
  };
}

async function openCamera(): Promise<MediaStream> {
  // Absent outside a secure context (https or localhost).
  if (!navigator.mediaDevices?.getUserMedia)
    throw new SanadError(
      'ERR_CAMERA_UNAVAILABLE',
      'This page cannot use a camera (it needs https).',
    );
  try {
    return await navigator.mediaDevices.getUserMedia({
      video: { facingMode: 'environment' },
      audio: false,
    });
  } catch (cause) {
    throw new SanadError('ERR_CAMERA_UNAVAILABLE', undefined, { cause });
  }
}

/** Decodes frames until `accept` makes a result of a code read (undefined: keep reading). */
function firstCode(
  video: HTMLVideoElement,
  decode: FrameDecoder,
  signal: AbortSignal | undefined,
  accept: (code: string) => string | undefined,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (done: () => void): void => {
      signal?.removeEventListener('abort', onAbort);
      done();
    };
    const tick = async (): Promise<void> => {
      try {
        const code =
          video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA ? await decode(video) : undefined;
        if (signal?.aborted) return;
        const text = code === undefined ? undefined : accept(code);
        if (text !== undefined) settle(() => resolve(text));
        else timer = setTimeout(() => void tick(), FRAME_INTERVAL_MS);
      } catch (err) {
        settle(() => reject(err));
      }
    };
    void tick();
  });
}

/**
 * Opens the rear camera in `video` and resolves with the text of the first QR code it sees, or
 * of the first `SANADP:` sequence ({@link qrParts}) it has seen every part of, in any order.
 * Rejects with `ERR_CAMERA_UNAVAILABLE` when there is no camera or access is refused (offer
 * a text box instead), or with the abort reason.
 *
 * @example
 * ```ts
 * const scanning = new AbortController()
 * try {
 *   const text = await scanQr(videoElement, { signal: scanning.signal })
 * } catch (err) {
 *   if (isSanadError(err) && err.code === 'ERR_CAMERA_UNAVAILABLE') showPasteBox()
 * }
 * ```
 */
export async function scanQr(video: HTMLVideoElement, options: ScanOptions = {}): Promise<string> {
  const { signal } = options;
  signal?.throwIfAborted();
  const stream = await openCamera();
  try {
    // The holder may have cancelled while the browser asked for permission.
    signal?.throwIfAborted();
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    await video.play();
    const decode = (await nativeDecoder()) ?? (await canvasDecoder());
    const collect = qrPartCollector();
    return await firstCode(video, decode, signal, (code) => {
      const step = collect(code);
      if (step === undefined) return code;
      if ('text' in step) return step.text;
      options.onPart?.(step);
      return undefined;
    });
  } finally {
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  }
}
