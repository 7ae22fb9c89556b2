import { useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { OutgoingFiles } from '../../engine/transfer/transfer-types';
import type { Host } from '../../host/host';
import { useT } from '../../ui/ferry-context';
import { carriesFiles, dragState } from './drag-state';
import { outgoingFiles, takeDropped } from './pick-files';

/**
 * While files are dragged over the window, a full-window target says where they will go: "Drop to
 * send to <device>". It listens on the window, so a drop anywhere counts, and it never takes focus
 * (the drag itself is a pointer gesture; keyboard users have the Send buttons). A device entry in
 * the sidebar is a drop target of its own: over one, this overlay steps aside, and a drop there
 * goes to that device (its handler stops the drop before it reaches the window).
 */
export function DropOverlay({
  peerName,
  online,
  onDrop,
}: {
  peerName: string;
  online: boolean;
  onDrop: (prepare: (host: Pick<Host, 'readByPath'>) => Promise<OutgoingFiles>) => Promise<void>;
}) {
  const t = useT();
  const [dragging, setDragging] = useState(false);
  // dragenter/dragleave fire for every child crossed; count them to know when the drag left the window.
  const depth = useRef(0);
  const overDevice = useStore(dragState, (state) => state.overDevice);

  useEffect(() => {
    const enter = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      depth.current++;
      setDragging(true);
    };
    const over = (event: DragEvent) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = online ? 'copy' : 'none';
    };
    const leave = () => {
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setDragging(false);
    };
    // Every drop ends the drag, also one a device entry takes (it never reaches the bubbling phase).
    const dragEnded = () => {
      depth.current = 0;
      setDragging(false);
    };
    const drop = (event: DragEvent) => {
      if (!carriesFiles(event) || !event.dataTransfer) return;
      event.preventDefault();
      if (!online) return;
      const dropped = takeDropped(event.dataTransfer);
      void onDrop((host) => outgoingFiles(host, dropped.topLevel, dropped.walk));
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', dragEnded, true);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('drop', dragEnded, true);
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [online, onDrop]);

  if (!dragging || overDevice !== null) return null;
  return (
    <div className={`drop-overlay ${online ? 'ready' : 'refused'}`} data-testid="drop-overlay">
      <div className="drop-target" role="status">
        <p className="drop-title">
          {online
            ? t('transfer.dropHere', { name: peerName })
            : t('transfer.dropOffline', { name: peerName })}
        </p>
        {online && <p className="hint">{t('transfer.dropHint')}</p>}
      </div>
    </div>
  );
}
