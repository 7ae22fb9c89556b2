import QRCode from 'qrcode';
import { useEffect, useRef, useState } from 'react';
import { useFerry, useHost, useT } from '../../ui/ferry-context';
import { joinBaseUrls, joinLinkFor } from './join-link';

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
  const host = useHost();
  const servingUrl = useFerry((state) => state.appInfo.signalingUrl);
  const internetUrl = useFerry((state) => state.settings.signalingUrl);
  const secondsLeft = useSecondsLeft(expiresAt);
  /** `selected`: the page may not write the clipboard (not a secure context); the code is selected instead. */
  const [copied, setCopied] = useState<'no' | 'copied' | 'selected'>('no');
  const codeElement = useRef<HTMLParagraphElement>(null);
  // The QR image of the link it was drawn for: a stale one (address or code changed) is not shown.
  const [qr, setQr] = useState<{ readonly link: string; readonly image: string } | null>(null);
  // Undefined until the desktop services answered; null from a standalone service.
  const [lanBaseUrls, setLanBaseUrls] = useState<readonly string[] | null | undefined>(undefined);
  const [chosenBase, setChosenBase] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    host.getLocalInfo().then(
      (info) => live && setLanBaseUrls(info?.joinBaseUrls ?? null),
      () => live && setLanBaseUrls(null),
    );
    return () => {
      live = false;
    };
  }, [host, code]);

  const bases = lanBaseUrls === undefined ? [] : joinBaseUrls({ internetUrl, lanBaseUrls, servingUrl });
  const base = chosenBase !== null && bases.includes(chosenBase) ? chosenBase : bases[0];
  const link = base === undefined ? null : joinLinkFor(base, code);

  useEffect(() => {
    if (link === null) return;
    let live = true;
    QRCode.toString(link, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' })
      .then((svg) => {
        if (live) setQr({ link, image: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` });
      })
      .catch(() => setQr(null));
    return () => {
      live = false;
    };
  }, [link]);
  const qrImage = qr !== null && qr.link === link ? qr.image : null;

  const copy = async () => {
    try {
      // Absent in a page that is not a secure context (http://<LAN address>, from a QR code).
      if (typeof navigator.clipboard?.writeText !== 'function') throw new Error('no clipboard here');
      await navigator.clipboard.writeText(code);
      setCopied('copied');
    } catch {
      // Selected for the person to copy with the keyboard, and the status says so: never a silent no-op.
      const element = codeElement.current;
      const selection = window.getSelection();
      if (element && selection) {
        const range = document.createRange();
        range.selectNodeContents(element);
        selection.removeAllRanges();
        selection.addRange(range);
      }
      setCopied('selected');
    }
  };

  return (
    <div className="show-code">
      <h2 id="your-code-label">{t('pair.yourCode')}</h2>
      <p className="code" aria-labelledby="your-code-label" data-testid="pairing-code" ref={codeElement}>
        {code}
      </p>
      <p className="muted">{t('pair.readOut')}</p>
      <div className="row">
        {/* "Show my code" went away with the click: the next useful thing is copying the code. */}
        <button type="button" autoFocus onClick={() => void copy()}>
          {t('pair.copy')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('pair.cancel')}
        </button>
      </div>
      <p className="muted" aria-live="off">
        {t('pair.expiresIn', { time: formatDuration(secondsLeft) })}
      </p>
      {copied !== 'no' && <p role="status">{t(copied === 'copied' ? 'pair.copied' : 'pair.copySelected')}</p>}
      {qrImage && <img className="qr" src={qrImage} alt={t('pair.qrAlt')} width={160} height={160} />}
      {base !== undefined && <p className="muted join-address">{t('pair.openAddress', { address: base })}</p>}
      {bases.length > 1 && (
        <label className="join-address-choice">
          {t('pair.qrAddress')}
          <select value={base} onChange={(event) => setChosenBase(event.target.value)}>
            {bases.map((url) => (
              <option key={url} value={url}>
                {url}
              </option>
            ))}
          </select>
        </label>
      )}
      {lanBaseUrls !== undefined && bases.length === 0 && <p className="muted">{t('pair.noAddress')}</p>}
      <p className="waiting">{t('pair.waiting')}</p>
    </div>
  );
}
