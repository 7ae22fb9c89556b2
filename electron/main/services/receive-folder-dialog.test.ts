import { describe, expect, it } from 'vitest';
import { mainStringsFor } from './main-strings';
import { createReceiveFolderChooser, type FolderDialogLike } from './receive-folder-dialog';

function fakeDialog(answer: { canceled: boolean; filePaths: string[] }) {
  const asked: { window: string; options: Parameters<FolderDialogLike<string>['showOpenDialog']>[1] }[] = [];
  let release: () => void = () => undefined;
  const dialog: FolderDialogLike<string> = {
    showOpenDialog: (window, options) => {
      asked.push({ window, options });
      return new Promise((resolve) => {
        release = () => resolve(answer);
      });
    },
  };
  return { dialog, asked, answer: () => release() };
}

function chooser(dialog: FolderDialogLike<string>, language: 'en' | 'zh-CN' = 'en') {
  return createReceiveFolderChooser({
    dialog,
    window: () => 'main window',
    current: () => '/home/ada/Downloads/Ferry',
    strings: () => mainStringsFor(language, 'en-US'),
  });
}

describe('choosing the receive folder', () => {
  it('opens a folder picker on the window at the current folder, and answers with the choice', async () => {
    const fake = fakeDialog({ canceled: false, filePaths: ['/data/inbox'] });
    const choosing = chooser(fake.dialog).choose();
    fake.answer();
    expect(await choosing).toBe('/data/inbox');
    expect(fake.asked).toEqual([
      {
        window: 'main window',
        options: {
          title: 'Choose where received files go',
          buttonLabel: 'Choose',
          defaultPath: '/home/ada/Downloads/Ferry',
          properties: ['openDirectory', 'createDirectory'],
        },
      },
    ]);
  });

  it('answers null when the person cancels', async () => {
    const fake = fakeDialog({ canceled: true, filePaths: [] });
    const choosing = chooser(fake.dialog).choose();
    fake.answer();
    expect(await choosing).toBeNull();
  });

  it('opens one picker at a time, and another after it closed', async () => {
    const fake = fakeDialog({ canceled: false, filePaths: ['/data/inbox'] });
    const folders = chooser(fake.dialog, 'zh-CN');
    const choose = () => folders.choose();
    const first = choose();
    const second = choose();
    fake.answer();
    expect(await Promise.all([first, second])).toEqual(['/data/inbox', '/data/inbox']);
    expect(fake.asked).toHaveLength(1);
    expect(fake.asked[0]?.options.title).toBe('选择接收文件的保存位置');
    const third = choose();
    fake.answer();
    await third;
    expect(fake.asked).toHaveLength(2);
  });

  it('lets settings save only the default, the current folder, or one the person chose in it', async () => {
    const fake = fakeDialog({ canceled: false, filePaths: ['/data/inbox'] });
    const folders = chooser(fake.dialog);
    expect(folders.mayUse('')).toBe(true);
    expect(folders.mayUse('/home/ada/Downloads/Ferry')).toBe(true);
    expect(folders.mayUse('/data/inbox')).toBe(false);
    expect(folders.mayUse('/home/ada/.config/autostart')).toBe(false);
    const choosing = folders.choose();
    fake.answer();
    await choosing;
    expect(folders.mayUse('/data/inbox')).toBe(true);
    expect(folders.mayUse('/home/ada/.config/autostart')).toBe(false);
  });
});
