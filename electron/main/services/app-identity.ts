/**
 * Ferry's application id: `appId` in electron-builder.yml (packaging-config.test.ts keeps the two
 * equal). On Windows it is also the AppUserModelID: the NSIS installer puts it on the Start menu
 * shortcut, and a process must carry the same id for its toast notifications (and their Accept /
 * Decline buttons) to show and to obey the user's per-app notification setting.
 */
export const APP_ID = 'app.ferry.desktop';
