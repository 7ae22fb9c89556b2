// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { SettingsPatch } from '../../../../contracts/settings';
import type { FerryEngine } from '../../engine/engine';
import { HostError, type Host } from '../../host/host';
import { createFerryStore } from '../../state/store';
import { testAppInfo, testSettings } from '../../state/testing/store-fixtures';
import { FerryProvider } from '../../ui/ferry-context';
import { NameDeviceStep } from './NameDeviceStep';

afterEach(cleanup);

function renderStep(options: { language?: 'en' | 'zh-CN'; refuse?: boolean } = {}) {
  const settings = testSettings({
    deviceName: 'Chromium on Linux 3F2A',
    deviceNameChosen: false,
    language: options.language ?? 'en',
  });
  const store = createFerryStore(testAppInfo, settings);
  const patches: SettingsPatch[] = [];
  const host = {
    kind: 'web',
    updateSettings: async (patch: SettingsPatch) => {
      patches.push(patch);
      if (options.refuse) throw new HostError('INVALID_PAYLOAD', 'Storage is full');
      return { ...store.getState().settings, ...patch };
    },
  } as unknown as Host;
  render(
    <FerryProvider value={{ store, engine: {} as FerryEngine, host }}>
      <NameDeviceStep />
    </FerryProvider>,
  );
  return { store, patches };
}

describe('the first-run name step', () => {
  it("offers the host's unique suggestion, focused, and saves the name typed as chosen", async () => {
    const { store, patches } = renderStep();
    expect(screen.getByRole('heading', { level: 1, name: 'Name this device' })).toBeTruthy();
    const field = screen.getByRole('textbox', { name: 'Device name' });
    expect((field as HTMLInputElement).value).toBe('Chromium on Linux 3F2A');
    expect(document.activeElement).toBe(field);
    fireEvent.change(field, { target: { value: '  Ada laptop ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    await waitFor(() => expect(store.getState().settings.deviceNameChosen).toBe(true));
    expect(patches).toEqual([{ deviceName: 'Ada laptop', deviceNameChosen: true }]);
    expect(store.getState().settings.deviceName).toBe('Ada laptop');
  });

  it('refuses an empty name in words, at the field, without saving', () => {
    const { patches } = renderStep();
    const field = screen.getByRole('textbox', { name: 'Device name' });
    fireEvent.change(field, { target: { value: '   ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    expect(screen.getByRole('alert').textContent).toBe('Type a name for this device.');
    expect(field.getAttribute('aria-invalid')).toBe('true');
    expect(field.getAttribute('aria-describedby')).toContain(screen.getByRole('alert').id);
    expect(patches).toEqual([]);
  });

  it("shows the host's refusal and stays on the step", async () => {
    const { store } = renderStep({ refuse: true });
    fireEvent.click(screen.getByRole('button', { name: 'Continue' }));
    expect((await screen.findByRole('alert')).textContent).toBe('Storage is full');
    expect(store.getState().settings.deviceNameChosen).toBe(false);
    expect((screen.getByRole('button', { name: 'Continue' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('speaks Chinese', () => {
    renderStep({ language: 'zh-CN' });
    expect(screen.getByRole('heading', { name: '为这台设备命名' })).toBeTruthy();
    expect(screen.getByRole('textbox', { name: '设备名称' })).toBeTruthy();
    expect(screen.getByRole('button', { name: '继续' })).toBeTruthy();
  });
});
