/**
 * The operating system's "downloaded from the internet" mark on files Ferry received, so that the
 * OS treats them as it treats a browser download: macOS Gatekeeper asks before running a received
 * app or script, Windows SmartScreen and Office's Protected View warn about a received program or
 * document.
 *
 * - macOS: the `com.apple.quarantine` extended attribute (`flags;hex time;agent;`), written with
 *   the system's `xattr` tool (Node has no extended-attribute API). Flag 0081 is what browsers set
 *   for a download the user has not yet opened.
 * - Windows: the `Zone.Identifier` alternate data stream with ZoneId=3 (Internet), written as the
 *   file `<path>:Zone.Identifier` (NTFS; on file systems without streams the write fails and the
 *   file stays unmarked).
 * - Linux and other systems have no such mark: nothing is written.
 *
 * Marking never fails a transfer: the file is saved and verified already; a mark that cannot be
 * written is logged.
 */
import type { Logger } from '../logger';

export interface DownloadMarkDeps {
  readonly platform: NodeJS.Platform;
  readonly writeFile: (path: string, text: string) => Promise<void>;
  /** Runs a program with arguments (no shell); resolves when it exits with 0. */
  readonly execFile: (file: string, args: readonly string[]) => Promise<void>;
  readonly now: () => number;
  readonly logger: Logger;
}

export type MarkDownloaded = (path: string) => Promise<void>;

/** What the mark's text says about where the file came from. */
const AGENT = 'Ferry';

export function windowsZoneIdentifier(): string {
  return '[ZoneTransfer]\r\nZoneId=3\r\n';
}

export function macQuarantineValue(nowMs: number): string {
  return `0081;${Math.floor(nowMs / 1000).toString(16)};${AGENT};`;
}

export function createDownloadMark(deps: DownloadMarkDeps): MarkDownloaded {
  return async (path) => {
    try {
      if (deps.platform === 'darwin') {
        await deps.execFile('/usr/bin/xattr', [
          '-w',
          'com.apple.quarantine',
          macQuarantineValue(deps.now()),
          path,
        ]);
      } else if (deps.platform === 'win32') {
        await deps.writeFile(`${path}:Zone.Identifier`, windowsZoneIdentifier());
      }
    } catch (error) {
      deps.logger.warn({ error, path }, 'could not mark a received file as downloaded');
    }
  };
}
