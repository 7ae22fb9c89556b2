import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ResumeJournal, type JournalFile } from './resume-journal';

const fileSchema = z.object({ name: z.string(), done: z.boolean() });

/** A journal file in memory that counts what was written to it. */
class MemoryFile implements JournalFile {
  text = '';
  appended = 0;
  replaced = 0;
  read(): Promise<string> {
    return Promise.resolve(this.text);
  }
  append(text: string): Promise<void> {
    this.appended += text.length;
    this.text += text;
    return Promise.resolve();
  }
  replace(text: string): Promise<void> {
    this.replaced++;
    this.text = text;
    return Promise.resolve();
  }
}

const open = (file: JournalFile) => ResumeJournal.open(file, fileSchema);
const filesOf = (journal: ResumeJournal<unknown>, key: string) =>
  Object.fromEntries(journal.get(key)?.files ?? []);

describe('ResumeJournal', () => {
  it('reads back, after a restart, what was recorded', async () => {
    const file = new MemoryFile();
    const journal = await open(file);
    await journal.setRoot('t1', 'Photos', 'Photos (1)');
    await journal.setFile('t1', 0, { name: 'Photos (1)/a.jpg', done: false });
    await journal.setFile('t1', 1, { name: 'Photos (1)/b.jpg', done: false });
    await journal.setFile('t1', 0, { name: 'Photos (1)/a.jpg', done: true });
    await journal.dropFile('t1', 1);
    await journal.setFile('t2', 3, { name: 'c.txt', done: false });

    const reopened = await open(file);
    expect(reopened.get('t1')?.roots).toEqual({ Photos: 'Photos (1)' });
    expect(filesOf(reopened, 't1')).toEqual({ 0: { name: 'Photos (1)/a.jpg', done: true } });
    expect(filesOf(reopened, 't2')).toEqual({ 3: { name: 'c.txt', done: false } });
    expect([...reopened.records()]).toHaveLength(2);
  });

  it('writes nothing until the first change when there is no journal yet', async () => {
    const file = new MemoryFile();
    file.read = () => Promise.reject(Object.assign(new Error('no such file'), { code: 'ENOENT' }));
    const journal = await open(file);
    await journal.forget('nothing');
    expect(file.text).toBe('');
    expect(file.replaced).toBe(0);
    file.read = MemoryFile.prototype.read.bind(file);
    await journal.setFile('t', 0, { name: 'a', done: false });
    expect(filesOf(await open(file), 't')).toEqual({ 0: { name: 'a', done: false } });
  });

  it('appends one short line per change, however many files are recorded', async () => {
    const file = new MemoryFile();
    const journal = await open(file);
    for (let index = 0; index < 2000; index++) {
      await journal.setFile('t', index, { name: `file-${index}.bin`, done: false });
    }
    const before = file.appended;
    await journal.setFile('t', 1999, { name: 'file-1999.bin', done: true });
    expect(file.appended - before).toBeLessThan(100);
    expect(filesOf(await open(file), 't')[1999]).toEqual({ name: 'file-1999.bin', done: true });
  });

  it('skips a line torn by a crash and keeps the others', async () => {
    const file = new MemoryFile();
    const journal = await open(file);
    await journal.setFile('t', 0, { name: 'a', done: true });
    await journal.setFile('t', 1, { name: 'b', done: false });
    file.text = file.text.slice(0, -12); // the last line lost its end
    await file.append('\n');
    await file.append(
      `${JSON.stringify({ op: 'file', transfer: 't', index: -1, file: { name: 'x', done: 1 } })}\n`,
    );

    expect(filesOf(await open(file), 't')).toEqual({ 0: { name: 'a', done: true } });
  });

  it('starts empty from a file that is not a journal, and rewrites it', async () => {
    const file = new MemoryFile();
    file.text = '{"t1": {"roots": {}, "files": {}}}';
    const journal = await open(file);
    expect([...journal.records()]).toEqual([]);
    expect(file.replaced).toBe(1);
    await journal.setFile('t', 0, { name: 'a', done: false });
    expect(filesOf(await open(file), 't')).toEqual({ 0: { name: 'a', done: false } });
  });

  it('is emptied when the last transfer is forgotten, and compacted when it has grown', async () => {
    const file = new MemoryFile();
    const journal = await open(file);
    await journal.setFile('t1', 0, { name: 'a', done: false });
    await journal.setFile('t2', 0, { name: 'b', done: false });
    await journal.forget('t1');
    expect(journal.get('t1')).toBeUndefined();
    expect(filesOf(await open(file), 't2')).toEqual({ 0: { name: 'b', done: false } });
    await journal.forget('t2');
    expect(file.text.split('\n').filter(Boolean)).toHaveLength(1); // the header

    for (let round = 0; round < 400; round++) {
      await journal.setFile('t3', 0, { name: 'c', done: round % 2 === 0 });
    }
    const lines = file.text.split('\n').filter(Boolean).length;
    const reopened = await open(file);
    expect(file.text.split('\n').filter(Boolean).length).toBeLessThan(lines);
    expect(filesOf(reopened, 't3')).toEqual({ 0: { name: 'c', done: false } });
    expect(filesOf(await open(file), 't3')).toEqual({ 0: { name: 'c', done: false } });
  });

  it('keeps a folder named __proto__ as a plain name', async () => {
    const file = new MemoryFile();
    const journal = await open(file);
    await journal.setRoot('t', '__proto__', '__proto__ (1)');
    const reopened = await open(file);
    expect(Object.entries(reopened.get('t')?.roots ?? {})).toEqual([['__proto__', '__proto__ (1)']]);
  });

  it('goes on after a write fails, and says so to the caller of that write', async () => {
    const file = new MemoryFile();
    const journal = await open(file);
    const append = file.append.bind(file);
    // The very first write fails: the header goes with the next one.
    file.append = () => Promise.reject(new Error('disk full'));
    await expect(journal.setFile('t', 0, { name: 'a', done: false })).rejects.toThrow('disk full');
    file.append = append;
    // An earlier failure is not reported again to a later, unrelated caller.
    await expect(journal.forget('never-recorded')).resolves.toBeUndefined();
    await journal.setFile('t', 1, { name: 'b', done: false });
    expect(filesOf(await open(file), 't')).toEqual({ 1: { name: 'b', done: false } });
  });
});
