/**
 * Which paths on disk the page may ask main to read as files to send: only those the person chose
 * this session, in main's own file dialog (tray "Send files…") or by dropping or picking files in
 * the window (the preload learns their paths from Electron's `webUtils`, which only knows the path
 * of a File the OS handed over). A page running someone else's script (a hole in the renderer) can
 * otherwise name any path, e.g. `~/.ssh/id_ed25519`, and send it to a paired device.
 *
 * Kept in memory only: a grant is for the files being sent now, not a lasting permission.
 */
import { resolve } from 'node:path';

/** More paths than any session drops; the oldest grants go first past this. */
export const MAX_PATH_GRANTS = 10_000;

export interface PathGrants {
  /** The person chose these paths (a dialog, a drop, a file input). */
  grant(paths: readonly string[]): void;
  /** Was exactly this path (a file, or a folder sent whole) chosen this session? */
  allows(path: string): boolean;
}

export function createPathGrants(limit = MAX_PATH_GRANTS): PathGrants {
  // Insertion-ordered: the first key is the oldest grant.
  const granted = new Set<string>();
  return {
    grant(paths) {
      for (const path of paths) {
        const key = resolve(path);
        granted.delete(key);
        granted.add(key);
        if (granted.size > limit) granted.delete(granted.values().next().value as string);
      }
    },
    allows: (path) => granted.has(resolve(path)),
  };
}
