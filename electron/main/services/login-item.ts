/**
 * "Launch at login" and "start hidden": registers Ferry with the OS to start when the user logs
 * in, and tells a launch at login from one by the user.
 *
 * macOS and Windows go through Electron's `app.setLoginItemSettings`. Electron does not support
 * Linux there, so on Linux Ferry writes an XDG autostart entry (`~/.config/autostart/*.desktop`),
 * which GNOME, KDE, Xfce and most other desktops honour.
 *
 * "Start hidden" means: when started at login, stay in the tray. A user who opens Ferry by hand
 * always gets its window.
 */
import { dirname, join } from 'node:path';

/** Added to the login command line (Windows, Linux) so that Ferry knows it was started at login. */
export const LAUNCHED_AT_LOGIN_ARG = '--launched-at-login';

export interface LoginItemPreferences {
  readonly launchAtLogin: boolean;
  readonly startHidden: boolean;
}

/** Electron's `app.setLoginItemSettings`, as far as used here. */
export type SetLoginItemSettings = (settings: {
  openAtLogin: boolean;
  openAsHidden?: boolean;
  path?: string;
  args?: string[];
  name?: string;
}) => void;

export interface AutostartEntryStore {
  write(contents: string): Promise<void>;
  remove(): Promise<void>;
}

export interface LoginItemOptions {
  readonly platform: NodeJS.Platform;
  readonly setLoginItemSettings: SetLoginItemSettings;
  readonly linuxAutostart: AutostartEntryStore;
  /**
   * How to start this Ferry: the executable and its leading arguments (in development, Electron
   * and the app folder; in an AppImage, the AppImage file rather than its temporary mount).
   */
  readonly command: { readonly path: string; readonly args: readonly string[] };
  /** `--profile=<name>` for a named profile, so that the same profile starts at login. */
  readonly profileArgs: readonly string[];
  /** Distinguishes the login entries of several profiles (e.g. "Ferry", "Ferry-alice"). */
  readonly entryName: string;
}

export async function applyLoginItem(
  preferences: LoginItemPreferences,
  options: LoginItemOptions,
): Promise<void> {
  const args = [...options.command.args, LAUNCHED_AT_LOGIN_ARG, ...options.profileArgs];
  switch (options.platform) {
    case 'darwin':
      // macOS starts the bundle itself and takes no arguments; it hides the app on request, and
      // reports the launch at login through `wasOpenedAtLogin` (see `wasLaunchedAtLogin`).
      options.setLoginItemSettings({
        openAtLogin: preferences.launchAtLogin,
        openAsHidden: preferences.startHidden,
      });
      return;
    case 'win32':
      options.setLoginItemSettings({
        openAtLogin: preferences.launchAtLogin,
        path: options.command.path,
        args,
        name: options.entryName,
      });
      return;
    default:
      if (preferences.launchAtLogin) {
        await options.linuxAutostart.write(
          autostartDesktopEntry(options.entryName, [options.command.path, ...args]),
        );
      } else {
        await options.linuxAutostart.remove();
      }
  }
}

export function wasLaunchedAtLogin(argv: readonly string[], macOsOpenedAtLogin: boolean): boolean {
  return argv.includes(LAUNCHED_AT_LOGIN_ARG) || macOsOpenedAtLogin;
}

export function shouldStartHidden(startHidden: boolean, launchedAtLogin: boolean): boolean {
  return startHidden && launchedAtLogin;
}

/** `$XDG_CONFIG_HOME/autostart/<entry>.desktop`, falling back to `~/.config`. */
export function autostartEntryPath(
  env: Readonly<Record<string, string | undefined>>,
  home: string,
  entryName: string,
) {
  const configHome = env['XDG_CONFIG_HOME'] || join(home, '.config');
  return join(configHome, 'autostart', `${entryName.toLowerCase()}.desktop`);
}

export function autostartDesktopEntry(name: string, command: readonly string[]): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${name}`,
    `Exec=${desktopExec(command)}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/**
 * The Exec line of a desktop entry (Desktop Entry Specification, "The Exec key"): arguments with
 * reserved characters are double-quoted with `"`, `` ` ``, `$` and `\` escaped inside; `%` is
 * doubled (it starts field codes); then the whole value gets the string escape for `\`.
 */
export function desktopExec(command: readonly string[]): string {
  return command
    .map((argument) => {
      if (/[\n\r]/.test(argument))
        throw new Error('a command-line argument cannot span lines in a desktop entry');
      const quoted = /[\s"'\\<>~|&;$*?#()`%]/.test(argument)
        ? `"${argument.replace(/[\\"`$]/g, (character) => `\\${character}`)}"`
        : argument;
      return quoted.replaceAll('%', '%%');
    })
    .join(' ')
    .replaceAll('\\', '\\\\');
}

/** The autostart entry as a file; removing an entry that is not there is not an error. */
export function createAutostartEntryFile(
  path: string,
  fs: {
    mkdir(path: string, options: { recursive: true }): Promise<unknown>;
    writeFile(path: string, data: string, encoding: 'utf8'): Promise<void>;
    rm(path: string, options: { force: true }): Promise<void>;
  },
): AutostartEntryStore {
  return {
    async write(contents) {
      await fs.mkdir(dirname(path), { recursive: true });
      await fs.writeFile(path, contents, 'utf8');
    },
    remove: () => fs.rm(path, { force: true }),
  };
}
