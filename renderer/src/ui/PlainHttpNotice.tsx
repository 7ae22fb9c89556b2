import { useState } from 'react';
import { useCalls } from '../features/call/call-context';
import { formatBytes } from '../features/transfer/format';
import { useHost, useLanguage, useT } from './ferry-context';

/**
 * Says once, at the top, what this page cannot do and what to do instead, when it is not a secure
 * context: a browser that opened Ferry over plain http from a LAN address (the desktop's QR code)
 * gets no microphone, no private file system, no notifications and no clipboard writes from the
 * browser. Pairing and chat work there as everywhere; each limited feature also says so where it
 * is used (call button, offer card, copy button). See docs/insecure-browser.md.
 */
export function PlainHttpNotice({ secureContext = window.isSecureContext }: { secureContext?: boolean }) {
  const t = useT();
  const language = useLanguage();
  const host = useHost();
  const calls = useCalls();
  const [dismissed, setDismissed] = useState(false);
  if (secureContext || dismissed) return null;
  const limit = host.receive?.limitBytes;
  return (
    <aside className="plain-http-notice" aria-labelledby="plain-http-title">
      <p id="plain-http-title" className="plain-http-title">
        {t('limited.title')}
      </p>
      <ul>
        <li>
          {limit !== undefined
            ? t('limited.files', { limit: formatBytes(limit, language) })
            : t('limited.noFiles')}
        </li>
        {!calls.canCallHere && <li>{t('limited.calls')}</li>}
        <li>{t('limited.notifications')}</li>
        <li>{t('limited.copy')}</li>
      </ul>
      <p>{t('limited.instead')}</p>
      <button type="button" onClick={() => setDismissed(true)}>
        {t('limited.dismiss')}
      </button>
    </aside>
  );
}
