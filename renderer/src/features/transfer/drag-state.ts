/**
 * Which device entry in the sidebar files are being dragged over, if any. While one is, the
 * window-wide "Drop to send to <open conversation>" overlay steps aside: the entry under the
 * pointer is where the files will go, and it lights up itself.
 */
import { createStore } from 'zustand/vanilla';

export const dragState = createStore<{ readonly overDevice: string | null }>()(() => ({
  overDevice: null,
}));

/** Whether a drag carries files from the system (not text or a link dragged inside the page). */
export function carriesFiles(event: Pick<DragEvent, 'dataTransfer'>): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files');
}
