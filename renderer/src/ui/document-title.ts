import { useEffect } from 'react';
import type { Translate } from '../i18n/i18n';
import type { FerryState } from '../state/store';
import { useFerry, useT } from './ferry-context';

/**
 * What the tab title says, most urgent first: a call ringing, files waiting for an answer,
 * unread messages, a transfer's progress; else just the app's name. A person working in another
 * tab sees it without switching.
 */
export type TitleState =
  | { readonly kind: 'ringing'; readonly name: string }
  | { readonly kind: 'offer'; readonly name: string }
  | { readonly kind: 'unread'; readonly count: number }
  | { readonly kind: 'progress'; readonly percent: number }
  | { readonly kind: 'idle' };

export function titleStateOf(state: FerryState): TitleState {
  const call = state.call;
  if (call?.phase === 'incoming-ringing') {
    return { kind: 'ringing', name: state.devices[call.peerId]?.name ?? '' };
  }
  const transfers = Object.values(state.transfers);
  const offer = transfers.find((view) => view.direction === 'in' && view.phase === 'awaiting-you');
  if (offer) return { kind: 'offer', name: state.devices[offer.deviceId]?.name ?? '' };
  const unread = Object.values(state.devices).reduce((sum, device) => sum + device.unread, 0);
  if (unread > 0) return { kind: 'unread', count: unread };
  const moving = transfers.filter((view) => view.phase === 'transferring');
  const total = moving.reduce((sum, view) => sum + view.totalBytes, 0);
  if (total > 0) {
    const done = moving.reduce((sum, view) => sum + view.doneBytes, 0);
    return { kind: 'progress', percent: Math.min(99, Math.floor((done / total) * 100)) };
  }
  return { kind: 'idle' };
}

/** The title's words for a state. */
export function titleText(title: TitleState, t: Translate): string {
  const app = t('app.name');
  switch (title.kind) {
    case 'ringing':
      return t('title.ringing', { name: title.name, app });
    case 'offer':
      return t('title.offer', { name: title.name, app });
    case 'unread':
      return t('title.unread', { count: title.count, app });
    case 'progress':
      return t('title.progress', { percent: title.percent, app });
    case 'idle':
      return app;
  }
}

/** Keeps document.title in step with the store. */
export function useDocumentTitle(): void {
  const t = useT();
  // A string, so the selector's result compares equal while nothing visible changed.
  const text = useFerry((state) => titleText(titleStateOf(state), t));
  useEffect(() => {
    document.title = text;
  }, [text]);
}
