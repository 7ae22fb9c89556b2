/** Exposes `window.ferry` (see desktop-api.ts) to the renderer; nothing else crosses over. */
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createFerryDesktopApi } from './desktop-api';
import { createFerryFilesApi } from './files-api';

contextBridge.exposeInMainWorld('ferry', {
  ...createFerryDesktopApi(ipcRenderer),
  // The receive folder and files to send by path (contracts/file-ipc.ts, files-api.ts).
  files: createFerryFilesApi(ipcRenderer, webUtils),
});
