import { useEffect, useRef, useState } from 'preact/hooks';
import { scanQr } from '@sanad/web-qr';
import { t } from '../i18n/i18n.js';
import { ErrorNotice } from './error-notice.js';

/** A camera view that reads one QR code; the paste box beside it is the fallback. */
export function Scanner({ onResult }: { onResult: (text: string) => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [scanning, setScanning] = useState(false);
  const [error, setError] = useState<unknown>();

  useEffect(() => {
    if (!scanning || !video.current) return;
    const abort = new AbortController();
    scanQr(video.current, { signal: abort.signal }).then(
      (text) => {
        setScanning(false);
        onResult(text);
      },
      (err: unknown) => {
        setScanning(false);
        if (!abort.signal.aborted) setError(err);
      },
    );
    return () => abort.abort();
  }, [scanning]);

  return (
    <div class="scanner">
      <button
        type="button"
        class="button"
        data-testid="scan"
        aria-pressed={scanning}
        onClick={() => (setError(undefined), setScanning(!scanning))}
      >
        {scanning ? t('common.stopScan') : t('common.scan')}
      </button>
      {scanning && (
        <video ref={video} class="scanner__video" muted playsInline data-testid="scanner-video" />
      )}
      <ErrorNotice error={error} />
    </div>
  );
}
