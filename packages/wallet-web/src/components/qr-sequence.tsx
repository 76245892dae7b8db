import { useEffect, useMemo, useState } from 'preact/hooks';
import { qrParts } from '@sanad/web-qr';
import { t } from '../i18n/i18n.js';
import { QrCode } from './qr-code.js';

/** Time each part of a sequence stays on screen: a camera reading a few frames a second sees each one. */
const PART_INTERVAL_MS = 500;

/**
 * `text` as one QR code when it fits an easy one, otherwise as `SANADP:` parts shown one after
 * another, round and round, until the holder pauses them (a moving picture must be stoppable).
 */
export function QrSequence({ text, label }: { text: string; label: string }) {
  const parts = useMemo(() => qrParts(text), [text]);
  const [index, setIndex] = useState(0);
  const [paused, setPaused] = useState(false);
  useEffect(() => {
    if (parts.length === 1 || paused) return;
    const timer = setInterval(() => setIndex((i) => (i + 1) % parts.length), PART_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [parts, paused]);

  if (parts.length === 1) return <QrCode text={text} label={label} />;
  const part = t('offline.part', { n: index + 1, total: parts.length });
  return (
    <div class="qr-sequence" data-testid="qr-sequence" data-parts={parts.length}>
      <p>{t('offline.sequence', { total: parts.length })}</p>
      <QrCode text={parts[index % parts.length]!} label={`${label}: ${part}`} />
      <p class="qr-sequence__part" data-testid="qr-sequence-part">
        {part}
      </p>
      <button
        type="button"
        class="button"
        aria-pressed={paused}
        onClick={() => setPaused(!paused)}
        data-testid="qr-sequence-pause"
      >
        {paused ? t('offline.resume') : t('offline.pause')}
      </button>
    </div>
  );
}
