// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SettingsPatch } from '../../../../contracts/settings';
import type { IceServer } from '../../../../contracts/signaling';
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

function renderPanel(kind: Host['kind'], chosenFolder?: string | null, iceServers: IceServer[] = []) {
  const store = createFerryStore(testAppInfo, { ...settings, iceServers });
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
    fireEvent.click(screen.getByRole('button', { name: 'Add a server' }));
    const server = within(screen.getByRole('group', { name: 'Server 1' }));
    fireEvent.change(server.getByRole('textbox', { name: 'Address' }), {
      target: { value: 'stun:stun.example.org:3478' },
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

  it('checks a STUN/TURN address as it is typed, with the reason at the field, and saves nothing while wrong', async () => {
    const { patches } = renderPanel('desktop');
    fireEvent.click(screen.getByRole('button', { name: 'Add a server' }));
    const server = within(screen.getByRole('group', { name: 'Server 1' }));
    const address = server.getByRole('textbox', { name: 'Address' });
    // A row just added is not already wrong…
    expect(address.getAttribute('aria-invalid')).toBe('false');
    // …the address is checked as it is typed…
    fireEvent.change(address, { target: { value: 'http://turn.example.org' } });
    expect(address.getAttribute('aria-invalid')).toBe('true');
    const reason = document.getElementById(address.getAttribute('aria-describedby') ?? '');
    expect(reason?.textContent).toBe('The address starts with stun:, stuns:, turn: or turns:.');
    fireEvent.change(address, { target: { value: 'turn:turn.example.org:3478' } });
    expect(address.getAttribute('aria-invalid')).toBe('false');
    expect(address.getAttribute('aria-describedby')).toBeNull();
    // …and a TURN server without credentials is caught on Save, at its fields, focus on the first.
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Check the STUN\/TURN servers/);
    const username = server.getByRole('textbox', { name: 'Username' });
    expect(username.getAttribute('aria-invalid')).toBe('true');
    expect(document.getElementById(username.getAttribute('aria-describedby') ?? '')?.textContent).toBe(
      'A TURN server needs a username and a credential.',
    );
    await waitFor(() => expect(document.activeElement).toBe(username));
    expect(patches).toEqual([]);

    fireEvent.change(username, { target: { value: 'ada' } });
    fireEvent.change(server.getByLabelText('Credential'), { target: { value: 's3cret' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(patches).toHaveLength(1));
    expect(patches[0]?.iceServers).toEqual([
      { urls: 'turn:turn.example.org:3478', username: 'ada', credential: 's3cret' },
    ]);
  });

  it('removes a STUN/TURN server row and keeps the keyboard in the list', async () => {
    const { patches } = renderPanel('web', undefined, [
      { urls: 'stun:one.example.org' },
      { urls: 'stun:two.example.org' },
    ]);
    expect(screen.getAllByRole('group', { name: /^Server \d$/ })).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Remove server 1' }));
    const left = within(screen.getByRole('group', { name: 'Server 1' })).getByRole('textbox', {
      name: 'Address',
    });
    expect((left as HTMLInputElement).value).toBe('stun:two.example.org');
    await waitFor(() => expect(document.activeElement).toBe(left));
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(patches).toHaveLength(1));
    expect(patches[0]?.iceServers).toEqual([{ urls: 'stun:two.example.org' }]);
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
