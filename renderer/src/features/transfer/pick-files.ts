/**
 * What the person picked or dropped, turned into files to send. In a browser the File objects are
 * read in slices (never whole); in the desktop app, files with a path on disk are read in the main
 * process instead (`host.readByPath`), which also lists whole folders quickly.
 */
import type { OutgoingFiles } from '../../engine/transfer/transfer-types';
import type { Host } from '../../host/host';
import { createBlobReader, type BlobReader } from './blob-reader';

export interface PickedFile {
  readonly file: File;
  /** Relative, '/'-separated; a folder's files start with the folder's name. */
  readonly path: string;
}

/** Picked with `<input type=file>`: a folder picker gives each file its `webkitRelativePath`. */
export function pickedFromInput(list: FileList | readonly File[]): PickedFile[] {
  return Array.from(list, (file) => ({ file, path: file.webkitRelativePath || file.name }));
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

async function readAll(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  const entries: FileSystemEntry[] = [];
  // readEntries answers in batches until it answers with none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) return entries;
    entries.push(...batch);
  }
}

async function walk(entry: FileSystemEntry, path: string, into: PickedFile[]): Promise<void> {
  if (entry.isFile) {
    into.push({ file: await fileOf(entry as FileSystemFileEntry), path });
  } else if (entry.isDirectory) {
    const children = await readAll((entry as FileSystemDirectoryEntry).createReader());
    children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const child of children) await walk(child, `${path}/${child.name}`, into);
  }
}

export interface Dropped {
  /** The items as dropped (a folder is one File here); what `readByPath` needs. */
  readonly topLevel: readonly File[];
  /** Every file, folders walked; read lazily because walking takes time. */
  readonly walk: () => Promise<PickedFile[]>;
}

/**
 * Takes what a drop carries. Must be called inside the drop event: the browser empties the
 * DataTransfer once the handler returns, so the entries are taken now and walked later.
 */
export function takeDropped(data: DataTransfer): Dropped {
  const entries: FileSystemEntry[] = [];
  for (const item of Array.from(data.items)) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
  }
  const topLevel = Array.from(data.files);
  return {
    topLevel,
    walk: async () => {
      if (entries.length === 0) return pickedFromInput(topLevel);
      const picked: PickedFile[] = [];
      for (const entry of entries) await walk(entry, entry.name, picked);
      return picked;
    },
  };
}

let sharedReader: BlobReader | null = null;

/** Files read in slices through the Blob API, and hashed, in the reading worker (blob-reader.ts). */
export function browserFiles(
  picked: readonly PickedFile[],
  reader: BlobReader = (sharedReader ??= createBlobReader()),
): OutgoingFiles {
  return {
    files: picked.map(({ file, path }) => ({
      path,
      size: file.size,
      modifiedAt: file.lastModified,
      read: (offset: number, length: number) => reader.read(file, offset, length),
      openHashingReader: () => reader.openHashing(file),
    })),
    close: () => reader.forget(picked.map(({ file }) => file)),
  };
}

/** Prefers reading by path in the main process where the host can; otherwise the Blob API. */
export async function outgoingFiles(
  host: Pick<Host, 'readByPath'>,
  topLevel: readonly File[],
  picked: () => Promise<readonly PickedFile[]>,
): Promise<OutgoingFiles> {
  const byPath = host.readByPath ? await host.readByPath(topLevel) : null;
  return byPath ?? browserFiles(await picked());
}
