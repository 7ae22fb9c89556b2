/**
 * Which tray image to show: one per app state, in the form each platform's tray wants. The files
 * come from scripts/make-icons.mjs (runtime copies in electron/resources/tray).
 */
export const TRAY_ICON_STATES = ['idle', 'connected', 'in-call', 'receiving'] as const;
export type TrayIconState = (typeof TRAY_ICON_STATES)[number];

/**
 * macOS: a black `…Template` image, which the menu bar tints for light and dark mode.
 * Windows: a 16 px image; Electron picks the `@2x` file beside it on high-DPI screens.
 * Linux: panels draw tray icons at 22–32 px and scale down, so the 32 px image.
 */
export function trayIconFileName(state: TrayIconState, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return `${state}Template.png`;
  if (platform === 'win32') return `${state}.png`;
  return `${state}-32.png`;
}
