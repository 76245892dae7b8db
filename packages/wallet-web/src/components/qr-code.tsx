import { useEffect, useState } from 'preact/hooks';
import { qrSvg } from '@sanad/web-qr';

/** A QR code drawn as SVG (alphanumeric text such as `SANAD1:` codes fits the most data). */
export function QrCode({ text, label }: { text: string; label: string }) {
  const [svg, setSvg] = useState('');
  useEffect(() => {
    void qrSvg(text).then(setSvg);
  }, [text]);
  // The SVG is generated here from the code's modules (paths only), never from outside markup.
  return (
    <div
      class="qr"
      role="img"
      aria-label={label}
      data-testid="qr"
      data-text={text}
      dangerouslySetInnerHTML={{ __html: svg }}
    />
  );
}
