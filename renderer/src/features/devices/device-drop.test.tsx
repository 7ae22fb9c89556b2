// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FerryEngine } from '../../engine/engine';
import type { TransferManager } from '../../engine/transfer/transfer-manager';
import type { OutgoingFiles } from '../../engine/transfer/transfer-types';
import type { Host } from '../../host/host';
import { createFerryStore } from '../../state/store';
import { FerryProvider } from '../../ui/ferry-context';
import { DropOverlay } from '../transfer/DropOverlay';
import { TransferProvider } from '../transfer/transfer-context';
import { DeviceList } from './DeviceList';
import { testAppInfo, testSettings } from '../../state/testing/store-fixtures';

afterEach(cleanup);

const settings = testSettings({ deviceId: 'ada-device', deviceName: 'Ada laptop' });

function setup(conversationOnline = true) {
  const store = createFerryStore(testAppInfo, settings);
  store.getState().peerOnline({ id: 'bob-device', name: 'Bob desktop', appVersion: '0.1.0' });
  store.getState().peerOnline({ id: 'carol-device', name: 'Carol phone', appVersion: '0.1.0' });
  store.getState().selectDevice('carol-device');
  const offered: { deviceId: string; paths: string[] }[] = [];
  const manager = {
    sendFiles: (deviceId: string, source: OutgoingFiles) => {
      offered.push({ deviceId, paths: source.files.map((file) => file.path) });
      return { outcome: 'offered', key: `out:${deviceId}:t` };
    },
  } as unknown as TransferManager;
  const conversationDrops: string[] = [];
  render(
    <FerryProvider value={{ store, engine: {} as FerryEngine, host: { kind: 'web' } as Host }}>
      <TransferProvider manager={manager}>
        <DeviceList />
        {/* The open conversation (Carol's) and its window-wide drop target. */}
        <DropOverlay
          peerName="Carol phone"
          online={conversationOnline}
          onDrop={async () => void conversationDrops.push('carol-device')}
        />
      </TransferProvider>
    </FerryProvider>,
  );
  return { store, offered, conversationDrops };
}

const files = [new File(['hello'], 'hello.txt'), new File(['world!'], 'world.txt')];
const dataTransfer = { types: ['Files'], files, items: [], dropEffect: 'none' };

function entryOf(name: RegExp) {
  const entry = screen.getByRole('button', { name }).closest('li');
  if (!entry) throw new Error('no entry');
  return entry;
}

describe('dropping files on a device in the sidebar', () => {
  it('lights that device up while files are over it, instead of the conversation’s overlay', () => {
    setup();
    fireEvent.dragEnter(window, { dataTransfer });
    expect(screen.getByTestId('drop-overlay').textContent).toContain('Drop to send to Carol phone');

    const bob = entryOf(/^Bob desktop/);
    fireEvent.dragEnter(bob, { dataTransfer });
    expect(bob.className).toContain('drop-over');
    expect(screen.getByRole('status').textContent).toBe('Drop to send to Bob desktop');
    expect(screen.queryByTestId('drop-overlay')).toBeNull();

    fireEvent.dragLeave(bob, { dataTransfer });
    expect(bob.className).not.toContain('drop-over');
    expect(screen.getByTestId('drop-overlay')).toBeTruthy();
  });

  it('sends what is dropped on a device to that device, not to the open conversation', async () => {
    const { store, offered, conversationDrops } = setup();
    fireEvent.dragEnter(window, { dataTransfer });
    const bob = entryOf(/^Bob desktop/);
    fireEvent.dragEnter(bob, { dataTransfer });
    await act(async () => {
      fireEvent.drop(bob, { dataTransfer });
    });
    await waitFor(() =>
      expect(offered).toEqual([{ deviceId: 'bob-device', paths: ['hello.txt', 'world.txt'] }]),
    );
    expect(conversationDrops).toEqual([]);
    // The drag is over everywhere, and Bob's conversation opens to show the transfer.
    expect(screen.queryByTestId('drop-overlay')).toBeNull();
    expect(bob.className).not.toContain('drop-over');
    expect(store.getState().selectedDeviceId).toBe('bob-device');
  });

  it('refuses a drop on an offline device and says why', async () => {
    const { store, offered } = setup();
    act(() => store.getState().peerOffline('bob-device'));
    const bob = entryOf(/^Bob desktop/);
    fireEvent.dragEnter(bob, { dataTransfer });
    expect(bob.className).toContain('refused');
    expect(screen.getByRole('status').textContent).toBe('Bob desktop is offline. Pair again to send files.');
    fireEvent.drop(bob, { dataTransfer });
    expect(offered).toEqual([]);
    expect(store.getState().announcement?.key).toBe('transfer.notSentTo.offline');
  });

  it('lets an online device take files while the open conversation’s device is offline', () => {
    setup(false);
    const over = { ...dataTransfer, dropEffect: 'none' };
    fireEvent.dragEnter(window, { dataTransfer: over });
    const bob = entryOf(/^Bob desktop/);
    fireEvent.dragEnter(bob, { dataTransfer: over });
    fireEvent.dragOver(bob, { dataTransfer: over });
    // The entry decides; the window's overlay (Carol is offline: 'none') must not overrule it.
    expect(over.dropEffect).toBe('copy');
  });
});
