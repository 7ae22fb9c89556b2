import { describe, expect, it } from 'vitest';
import { appCommandSchema, type AppCommand } from '../../../contracts/ipc';
import { createMemoryLogger } from '../test-support/memory-logger';
import { createCommandDispatcher } from './app-commands';
import { createPathGrants } from './files/path-grants';
import { mainStringsFor } from './main-strings';
import { createSendFilesDialog, dialogProperties, type OpenDialogLike } from './send-files-dialog';

interface FakeWindow {
  readonly id: number;
  readonly sent: AppCommand[];
}

function setup(answer: { canceled: boolean; filePaths: string[] }, platform: NodeJS.Platform = 'linux') {
  const window: FakeWindow = { id: 7, sent: [] };
  const other: FakeWindow = { id: 8, sent: [] };
  const asked: {
    window: FakeWindow;
    options: Parameters<OpenDialogLike<FakeWindow>['showOpenDialog']>[1];
  }[] = [];
  const order: string[] = [];
  let release: () => void = () => undefined;
  const gate = { held: false };
  const dialog: OpenDialogLike<FakeWindow> = {
    showOpenDialog: async (parent, options) => {
      order.push('dialog');
      asked.push({ window: parent, options });
      if (gate.held) await new Promise<void>((resolve) => (release = resolve));
      return answer;
    },
  };
  const logger = createMemoryLogger();
  // The real dispatcher, sending to the window as index.ts wires it.
  const commands = createCommandDispatcher({
    send: (command) => window.sent.push(command),
    showWindow: () => void order.push('show'),
    logger,
  });
  commands.pageListening();
  const grants = createPathGrants();
  const picker = createSendFilesDialog({
    dialog,
    window: () => window,
    showWindow: () => void order.push('show'),
    platform,
    strings: () => mainStringsFor('en', 'en-US'),
    peerName: (peerId) => (peerId === 'bob-device' ? 'Bob desktop' : undefined),
    dispatch: (command) => {
      order.push('dispatch');
      commands.dispatch(command);
    },
    grant: (paths) => {
      order.push('grant');
      grants.grant(paths);
    },
    logger,
  });
  return { picker, window, other, asked, order, logger, gate, grants, release: () => release() };
}

describe('the tray’s “Send files…” dialog', () => {
  it('sends the chosen paths to the window as a send-paths command for that device', async () => {
    const paths = ['/home/ada/photo.jpg', '/home/ada/notes.txt'];
    const { picker, window, other, asked, order, grants } = setup({ canceled: false, filePaths: paths });
    expect(grants.allows('/home/ada/photo.jpg')).toBe(false);
    await picker.choose('bob-device');
    expect(asked).toHaveLength(1);
    expect(asked[0]?.window).toBe(window);
    expect(asked[0]?.options).toEqual({
      title: 'Send files to Bob desktop',
      buttonLabel: 'Send',
      properties: ['openFile', 'multiSelections'],
    });
    // The window comes up before the dialog, so the dialog is in front and the transfer shows after.
    expect(order[0]).toBe('show');
    expect(order[1]).toBe('dialog');
    // The chosen paths may be read to send, granted before the page is told of them.
    expect(order.slice(2, 4)).toEqual(['grant', 'dispatch']);
    expect(paths.every((path) => grants.allows(path))).toBe(true);
    expect(grants.allows('/home/ada/.ssh/id_ed25519')).toBe(false);
    expect(window.sent).toEqual([{ type: 'send-paths', peerId: 'bob-device', paths }]);
    expect(appCommandSchema.parse(window.sent[0])).toEqual(window.sent[0]);
    expect(other.sent).toEqual([]);
  });

  it('does nothing when the dialog is cancelled', async () => {
    const { picker, window, order } = setup({ canceled: true, filePaths: [] });
    await picker.choose('bob-device');
    expect(window.sent).toEqual([]);
    expect(order).not.toContain('grant');
  });

  it('asks nothing for a device the tray does not list', async () => {
    const { picker, window, asked, logger } = setup({ canceled: false, filePaths: ['/x'] });
    await picker.choose('stranger');
    expect(asked).toEqual([]);
    expect(window.sent).toEqual([]);
    expect(logger.entries.some((entry) => entry.level === 'warn')).toBe(true);
  });

  it('opens one dialog at a time', async () => {
    const { picker, asked, gate, release, window } = setup({ canceled: false, filePaths: ['/a'] });
    gate.held = true;
    const first = picker.choose('bob-device');
    await picker.choose('bob-device');
    expect(asked).toHaveLength(1);
    release();
    await first;
    expect(window.sent).toHaveLength(1);
  });

  it('offers folders too where the dialog can pick both (macOS)', () => {
    expect(dialogProperties('darwin')).toEqual(['openFile', 'openDirectory', 'multiSelections']);
    expect(dialogProperties('win32')).toEqual(['openFile', 'multiSelections']);
  });
});
