// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SettingsPatch } from '../../../../contracts/settings';
import type { CallManager } from '../../engine/call/call-manager';
import type { FerryEngine } from '../../engine/engine';
import type { Host } from '../../host/host';
import { createFerryStore } from '../../state/store';
import { FerryProvider } from '../../ui/ferry-context';
import { CallProvider } from '../call/call-context';
import { SettingsPanel } from './SettingsPanel';
import { testAppInfo, testSettings } from '../../state/testing/store-fixtures';

afterEach(cleanup);

const settings = testSettings({ receiveFolder: '/home/ada/Downloads/Ferry' });

function renderPanel(kind: Host['kind'], chosenFolder?: string | null) {
  const store = createFerryStore(testAppInfo, settings);
  const patches: SettingsPatch[] = [];
  const host = {
    kind,
    updateSettings: async (patch: SettingsPatch) => {
      patches.push(patch);
      return { ...settings, ...patch };
    },
    ...(chosenFolder === undefined ? {} : { chooseReceiveFolder: async () => chosenFolder }),
  } as unknown as Host;
  render(
    <FerryProvider value={{ store, engine: {} as FerryEngine, host }}>
      <CallProvider manager={{} as CallManager}>
        <SettingsPanel onClose={() => undefined} />
      </CallProvider>
    </FerryProvider>,
  );
  return { patches, store };
}

describe('the settings panel', () => {
  it('on the desktop, saves launch at login, start hidden, the receive folder and STUN/TURN servers', async () => {
    const { patches, store } = renderPanel('desktop', '/data/in');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Start Ferry when I log in' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Start hidden in the tray' }));
    const folder = screen.getByRole('textbox', { name: 'Receive folder' }) as HTMLInputElement;
    fireEvent.click(screen.getByRole('button', { name: 'Choose the receive folder' }));
    await waitFor(() => expect(folder.value).toBe('/data/in'));
    fireEvent.change(screen.getByRole('textbox', { name: 'STUN/TURN servers' }), {
      target: { value: '{"urls": "stun:stun.example.org:3478"}' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(patches).toHaveLength(1));
    expect(patches[0]).toMatchObject({
      launchAtLogin: true,
      startHidden: true,
      receiveFolder: '/data/in',
      iceServers: [{ urls: 'stun:stun.example.org:3478' }],
    });
    expect(store.getState().settings.iceServers).toEqual([{ urls: 'stun:stun.example.org:3478' }]);
  });

  it('on the desktop, fills in the receive folder from the system’s folder picker, saved with Save', async () => {
    const { patches } = renderPanel('desktop', '/media/usb/Inbox');
    const field = screen.getByRole('textbox', { name: 'Receive folder' }) as HTMLInputElement;
    fireEvent.click(screen.getByRole('button', { name: 'Choose the receive folder' }));
    await waitFor(() => expect(field.value).toBe('/media/usb/Inbox'));
    expect(patches).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(patches).toHaveLength(1));
    expect(patches[0]).toMatchObject({ receiveFolder: '/media/usb/Inbox' });
  });

  it('changes the receive folder only through the folder picker, never by typing', () => {
    renderPanel('desktop', '/media/usb/Inbox');
    const field = screen.getByRole('textbox', { name: 'Receive folder' }) as HTMLInputElement;
    expect(field.readOnly).toBe(true);
    expect(screen.getByText('Where received files are saved. “Choose…” picks another folder.')).toBeTruthy();
  });

  it('keeps the receive folder when the folder picker is cancelled', async () => {
    renderPanel('desktop', null);
    fireEvent.click(screen.getByRole('button', { name: 'Choose the receive folder' }));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect((screen.getByRole('textbox', { name: 'Receive folder' }) as HTMLInputElement).value).toBe(
      '/home/ada/Downloads/Ferry',
    );
  });

  it('says in words what is wrong with the STUN/TURN servers and saves nothing', async () => {
    const { patches } = renderPanel('desktop');
    const field = screen.getByRole('textbox', { name: 'STUN/TURN servers' });
    fireEvent.change(field, { target: { value: '[{"urls": "http://turn.example.org"}]' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      'STUN/TURN server 1: “http://turn.example.org” should start with stun:, stuns:, turn: or turns:.',
    );
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(patches).toEqual([]);
  });

  it('in a browser, has no desktop settings and does not send them', async () => {
    const { patches } = renderPanel('web');
    expect(screen.queryByRole('checkbox', { name: 'Start Ferry when I log in' })).toBeNull();
    expect(screen.queryByRole('textbox', { name: 'Receive folder' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Choose the receive folder' })).toBeNull();
    expect(screen.getByRole('combobox', { name: 'Microphone' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(patches).toHaveLength(1));
    // Saving here chooses the name, so the first-run step never comes back.
    expect(patches[0]?.deviceNameChosen).toBe(true);
    expect(Object.keys(patches[0] ?? {}).sort()).toEqual([
      'deviceName',
      'deviceNameChosen',
      'iceServers',
      'language',
      'signalingUrl',
    ]);
  });
});
