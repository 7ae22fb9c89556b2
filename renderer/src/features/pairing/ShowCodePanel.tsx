import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useFerry, useT } from '../../ui/ferry-context';
import { joinLinkFor } from './join-link';

function useSecondsLeft(expiresAt: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return Math.max(0, Math.ceil((expiresAt - now) / 1000));
}

function formatDuration(totalSeconds: number): string {
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = totalSeconds % 60;
  return `${minutes}:${seconds.toString().padStart(2, '0')}`;
}

export function ShowCodePanel({
  code,
  expiresAt,
  onCancel,
}: {
  code: string;
  expiresAt: number;
  onCancel: () => void;
}) {
  const t = useT();
  const signalingUrl = useFerry((state) => state.appInfo.signalingUrl);
  const secondsLeft = useSecondsLeft(expiresAt);
  const [copied, setCopied] = useState(false);
  const [qr, setQr] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    QRCode.toString(joinLinkFor(signalingUrl, code), { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })
      .then((svg) => {
        if (live) setQr(`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`);
      })
      .catch(() => setQr(null));
    return () => {
      live = false;
    };
  }, [signalingUrl, code]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };

  return (
    <div className="show-code">
      <h2 id="your-code-label">{t('pair.yourCode')}</h2>
      <p className="code" aria-labelledby="your-code-label" data-testid="pairing-code">
        {code}
      </p>
      <p className="muted">{t('pair.readOut')}</p>
      <div className="row">
        <button type="button" onClick={() => void copy()}>
          {t('pair.copy')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('pair.cancel')}
        </button>
      </div>
      <p className="muted" aria-live="off">
        {t('pair.expiresIn', { time: formatDuration(secondsLeft) })}
      </p>
      {copied && <p role="status">{t('pair.copied')}</p>}
      {qr && <img className="qr" src={qr} alt={t('pair.qrAlt')} width={160} height={160} />}
      <p className="waiting">{t('pair.waiting')}</p>
    </div>
  );
}
