import { useEffect } from 'react';
import { useFerry } from './ferry-context';

/** Ferry's mark, as in public/favicon.svg (a test keeps the two the same). */
const MARK =
  '<rect width="64" height="64" rx="14" fill="#0b67c2"/><path d="M12 38h40l-6 10H18z" fill="#fff"/><path d="M31 12v22H17z" fill="#fff"/><path d="M34 16l12 18H34z" fill="#dbeafe"/>';

/** The tab icon: the mark, with a red badge counting unread messages when there are any. */
export function faviconSvg(unread: number): string {
  const badge =
    unread > 0
      ? // A white ring keeps the badge apart from the blue mark at 16 px.
        `<circle cx="44" cy="20" r="19" fill="#d93025" stroke="#fff" stroke-width="3"/><text x="44" y="30" text-anchor="middle" font-family="Arial,Helvetica,sans-serif" font-weight="700" font-size="${unread > 9 ? 22 : 28}" fill="#fff">${unread > 9 ? '9+' : String(unread)}</text>`
      : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">${MARK}${badge}</svg>`;
}

export const faviconDataUrl = (unread: number): string =>
  `data:image/svg+xml,${encodeURIComponent(faviconSvg(unread))}`;

/**
 * Keeps the tab icon's badge in step with the unread count, and puts the page's own icon back
 * when everything is read (or the app goes away).
 */
export function useFaviconBadge(doc: Document = document): void {
  const unread = useFerry((state) => Object.values(state.devices).reduce((sum, d) => sum + d.unread, 0));
  useEffect(() => {
    const link = doc.querySelector<HTMLLinkElement>('link[rel="icon"]');
    if (!link || unread === 0) return;
    const original = link.getAttribute('href');
    const originalType = link.getAttribute('type');
    link.setAttribute('type', 'image/svg+xml');
    link.setAttribute('href', faviconDataUrl(unread));
    return () => {
      if (original === null) link.removeAttribute('href');
      else link.setAttribute('href', original);
      if (originalType === null) link.removeAttribute('type');
      else link.setAttribute('type', originalType);
    };
  }, [doc, unread]);
}
