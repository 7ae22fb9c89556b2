/** Exposes `window.ferry` (see desktop-api.ts) to the renderer; nothing else crosses over. */
import { contextBridge, ipcRenderer } from 'electron';
import { createFerryDesktopApi } from './desktop-api';

contextBridge.exposeInMainWorld('ferry', createFerryDesktopApi(ipcRenderer));
