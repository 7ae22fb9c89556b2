/**
 * Turning file names a peer sent into names that are safe to create on this computer.
 *
 * The peer is untrusted: its relative paths may try to climb out of the receive folder (`..`,
 * absolute paths, drive letters, UNC paths), use names Windows reserves (`con.txt`), characters
 * some file systems refuse (`<>:"|?*`, control characters), disguise an extension with bidi
 * controls, be too long, or be words a shell or file manager expands (`~`, `$HOME`, `%APPDATA%`,
 * `` `cmd` ``, `-rf`): a folder literally named `~` or `$HOME` in Downloads is one careless
 * `rm -rf ~` or `cd $HOME` away from harm. The rules here are the strictest of Windows, macOS and Linux, so that
 * a name received on one platform can be copied to another.
 *
 * Sanitizing never fails: every input maps to at least one safe segment inside the receive folder.
 */

/** Characters Windows refuses in names, plus the separators (handled before this applies). */
const RESERVED_CHARACTERS = /[<>:"|?*\\/]/g;
/** C0 and C1 control characters, DEL. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;
/**
 * Bidi embedding/override/isolate controls and marks: "photo\u202Egpj.exe" displays as
 * "photoexe.jpg". Zero-width characters are kept: some scripts need them in words.
 */
const BIDI_CONTROLS = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/**
 * Device names Windows reserves in every folder, whatever the extension: "con.txt" and "CON .tar.gz"
 * name the console. Superscript digits count too (COM¹ is a device since NT).
 */
const WINDOWS_DEVICE_NAME = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)$/i;

/**
 * Characters shells expand anywhere in a word: `$` (variables, `$(…)`), the backtick (command
 * substitution). Replaced wherever they appear; they are rare in real file names.
 */
const SHELL_EXPANDING = /[$`]/g;
/** `%NAME%` expands in cmd.exe and in Windows Explorer's address bar. */
const WINDOWS_VARIABLE = /%([^%]*)%/g;
/**
 * At the start of a name only: `~` (home folder: `~`, `~root`) and `-` (read as an option by
 * `rm *`, `tar`, …).
 */
const SHELL_LEADING = /^[~-]/;

/** Longest segment in UTF-8 bytes: 255 is the common file-system limit; room is left for " (99)" and ".part". */
export const MAX_SEGMENT_BYTES = 200;
/** Deepest folder nesting kept; deeper folders are folded into the last one kept. */
export const MAX_PATH_DEPTH = 32;
/** The name used when nothing usable is left of one. */
export const FALLBACK_NAME = 'file';

const utf8 = new TextEncoder();

function utf8Length(text: string): number {
  return utf8.encode(text).byteLength;
}

/** Cuts `text` to at most `maxBytes` of UTF-8 without splitting a code point. */
function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    const size = utf8Length(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    end += char.length;
  }
  return text.slice(0, end);
}

/** Splits "name.ext" at its extension, treating ".tar.gz"-style pairs as one extension. */
export function splitExtension(name: string): { readonly stem: string; readonly extension: string } {
  const tar = /^(.+?)(\.tar\.[a-z0-9]{1,4})$/i.exec(name);
  if (tar?.[1] && tar[2]) return { stem: tar[1], extension: tar[2] };
  const dot = name.lastIndexOf('.');
  // A leading dot is a hidden file's name, not an extension (".bashrc").
  if (dot <= 0 || dot === name.length - 1) return { stem: name, extension: '' };
  return { stem: name.slice(0, dot), extension: name.slice(dot) };
}

/** Shortens a segment to MAX_SEGMENT_BYTES, keeping its extension when the extension is short. */
function limitLength(segment: string): string {
  if (utf8Length(segment) <= MAX_SEGMENT_BYTES) return segment;
  const { stem, extension } = splitExtension(segment);
  if (extension.length > 0 && utf8Length(extension) <= 32) {
    return truncateUtf8(stem, MAX_SEGMENT_BYTES - utf8Length(extension)) + extension;
  }
  return truncateUtf8(segment, MAX_SEGMENT_BYTES);
}

/**
 * Makes one path segment safe, or returns null when it should be dropped (empty, ".", "..").
 * Exported for tests and for naming a single file.
 */
export function sanitizeSegment(raw: string): string | null {
  let segment = raw.normalize('NFC').replace(CONTROL_CHARACTERS, '_').replace(BIDI_CONTROLS, '_');
  segment = segment
    .replace(RESERVED_CHARACTERS, '_')
    .replace(SHELL_EXPANDING, '_')
    .replace(WINDOWS_VARIABLE, '_$1_')
    .trim()
    .replace(SHELL_LEADING, '_');
  if (segment === '' || segment === '.' || segment === '..') return null;
  // Windows drops trailing dots and spaces ("a." is "a"): strip them so names mean the same everywhere.
  segment = segment.replace(/[. ]+$/, '');
  if (segment === '') return FALLBACK_NAME;
  const base = (segment.split('.')[0] ?? '').trimEnd();
  if (WINDOWS_DEVICE_NAME.test(base)) segment = `_${segment}`;
  // A cut may end the stem in a dot or space again.
  return limitLength(segment).replace(/[. ]+$/, '') || FALLBACK_NAME;
}

/**
 * Turns an untrusted relative path from a peer into safe segments, to be joined under the receive
 * folder. Both `/` and `\` separate (a Windows sender's `..\x` must not survive as a name);
 * empty, `.` and `..` segments are dropped rather than resolved, so nothing climbs out; a drive
 * letter (`C:`) at the start is dropped like the leading `/` of an absolute path.
 */
export function sanitizeRelativePath(untrusted: string): string[] {
  const parts = untrusted.split(/[/\\]+/);
  const first = parts[0];
  if (first !== undefined && /^[A-Za-z]:$/.test(first.trim())) parts.shift();
  const segments: string[] = [];
  for (const part of parts) {
    const safe = sanitizeSegment(part);
    if (safe !== null) segments.push(safe);
  }
  if (segments.length === 0) return [FALLBACK_NAME];
  if (segments.length > MAX_PATH_DEPTH) {
    const name = segments[segments.length - 1] ?? FALLBACK_NAME;
    return [...segments.slice(0, MAX_PATH_DEPTH - 1), name];
  }
  return segments;
}

/** The `n`th alternative to a name that is taken: "report.pdf" → "report (1).pdf". */
export function clashName(name: string, n: number): string {
  if (n === 0) return name;
  const { stem, extension } = splitExtension(name);
  return `${stem} (${n})${extension}`;
}

/** How many alternatives `pickFreeName` tries before giving up. */
export const MAX_CLASH_ATTEMPTS = 10_000;

/**
 * The first of `name`, `name (1)`, `name (2)`, … for which `isTaken` says no; null if all of the
 * first MAX_CLASH_ATTEMPTS are taken. `isTaken` is asked per candidate so the caller can check
 * the disk, its in-progress downloads, or both.
 */
export async function pickFreeName(
  name: string,
  isTaken: (candidate: string) => boolean | Promise<boolean>,
): Promise<string | null> {
  for (let n = 0; n < MAX_CLASH_ATTEMPTS; n++) {
    const candidate = clashName(name, n);
    if (!(await isTaken(candidate))) return candidate;
  }
  return null;
}

/** The suffix of a file while it is being received. */
export const PARTIAL_SUFFIX = '.part';
