/**
 * Profiles: separate Ferry identities on one computer, each with its own userData folder (settings,
 * keys, remembered devices) and so its own single-instance lock. Two profiles side by side can pair
 * with each other, which is how one person tries Ferry, and how developers test it, on one machine.
 *
 * Chosen with `--profile=<name>` or `FERRY_PROFILE=<name>` (the argument wins, being the more
 * specific of the two). Names are short and filename-safe, because they become a folder name.
 */
import { join } from 'node:path';

const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;
const PROFILE_ARGUMENT = '--profile=';

export type ProfileChoice =
  | { readonly kind: 'default' }
  | { readonly kind: 'named'; readonly name: string }
  | { readonly kind: 'invalid'; readonly value: string };

export function chooseProfile(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): ProfileChoice {
  const argument = argv.findLast((arg) => arg.startsWith(PROFILE_ARGUMENT));
  const value = argument?.slice(PROFILE_ARGUMENT.length) ?? env['FERRY_PROFILE'] ?? '';
  if (value === '') return { kind: 'default' };
  return PROFILE_NAME.test(value) ? { kind: 'named', name: value } : { kind: 'invalid', value };
}

/** `<appData>/Ferry-<name>`, a sibling of the default `<appData>/Ferry`. */
export function profileUserDataDir(appDataDir: string, productName: string, profileName: string): string {
  return join(appDataDir, `${productName}-${profileName}`);
}

/**
 * The folder Electron's `app.getPath('appData')` names on each system, for the parts of Ferry that
 * run without Electron (`npm start` without the binary) and must use the same profile folders.
 */
export function appDataDir(
  platform: NodeJS.Platform,
  env: Readonly<Record<string, string | undefined>>,
  homeDir: string,
): string {
  if (platform === 'win32') return env['APPDATA'] || join(homeDir, 'AppData', 'Roaming');
  if (platform === 'darwin') return join(homeDir, 'Library', 'Application Support');
  return env['XDG_CONFIG_HOME'] || join(homeDir, '.config');
}
