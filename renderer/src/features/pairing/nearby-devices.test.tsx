// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { NearbyService } from '../../../../contracts/local-service';
import type { EnterCodeOptions, FerryEngine } from '../../engine/engine';
import type { Host } from '../../host/host';
import { createFerryStore } from '../../state/store';
import { testAppInfo, testSettings } from '../../state/testing/store-fixtures';
import { FerryProvider } from '../../ui/ferry-context';
import { PairingView } from './PairingView';

afterEach(cleanup);

const ada: NearbyService = { instanceId: 'ada1', name: 'Ada’s laptop', url: 'http://10.7.0.1:47100' };
const cy: NearbyService = { instanceId: 'cy22', name: 'Cy', url: 'http://10.7.0.3:47100' };

function renderPairing(language: 'en' | 'zh-CN' = 'en') {
  const store = createFerryStore(testAppInfo, testSettings({ language }));
  const entered: [string, EnterCodeOptions | undefined][] = [];
  const engine = {
    enterCode: (code: string, options?: EnterCodeOptions) => entered.push([code, options]),
    showMyCode: () => undefined,
    cancelPairing: () => undefined,
  } as unknown as FerryEngine;
  render(
    <FerryProvider value={{ store, engine, host: { kind: 'web' } as Host }}>
      <PairingView />
    </FerryProvider>,
  );
  return { store, entered };
}

describe('nearby devices on the pairing screen', () => {
  it('shows nothing where no device was found (multicast blocked, or alone on the network)', () => {
    renderPairing();
    expect(screen.queryByRole('list', { name: 'Nearby' })).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Nearby' })).toBeNull();
  });

  it('lists nearby devices as an accessible list, following changes', () => {
    const { store } = renderPairing();
    act(() => store.getState().setNearby([ada, cy]));
    const list = screen.getByRole('list', { name: 'Nearby' });
    expect(
      within(list)
        .getAllByRole('button')
        .map((button) => button.textContent),
    ).toEqual(['Nearby: Ada’s laptop', 'Nearby: Cy']);
    act(() => store.getState().setNearby([cy]));
    expect(within(list).queryByRole('button', { name: 'Nearby: Ada’s laptop' })).toBeNull();
  });

  it("choosing a device still needs its code, and looks the code up on that device's service first", () => {
    const { store, entered } = renderPairing();
    act(() => store.getState().setNearby([ada, cy]));
    const choice = screen.getByRole('button', { name: 'Nearby: Ada’s laptop' });
    fireEvent.click(choice);
    expect(choice.getAttribute('aria-pressed')).toBe('true');
    const input = screen.getByRole('textbox', { name: 'Pairing code' });
    expect(document.activeElement).toBe(input);
    expect(screen.getByText('Enter the code Ada’s laptop shows.')).toBeTruthy();
    // Nothing joins on a click: only the code makes the device trusted.
    expect(entered).toEqual([]);
    fireEvent.change(input, { target: { value: 'k7m q2xw' } });
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect(entered).toEqual([['k7m q2xw', { preferredServiceUrls: ['http://10.7.0.1:47100'] }]]);
  });

  it('forgets the choice when that device leaves the network', () => {
    const { store, entered } = renderPairing();
    act(() => store.getState().setNearby([ada]));
    fireEvent.click(screen.getByRole('button', { name: 'Nearby: Ada’s laptop' }));
    act(() => store.getState().setNearby([]));
    fireEvent.change(screen.getByRole('textbox', { name: 'Pairing code' }), {
      target: { value: 'K7M-Q2XW' },
    });
    fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
    expect(entered).toEqual([['K7M-Q2XW', {}]]);
  });

  it('speaks Simplified Chinese too', () => {
    const { store } = renderPairing('zh-CN');
    act(() => store.getState().setNearby([ada]));
    expect(screen.getByRole('list', { name: '附近' })).toBeTruthy();
    expect(screen.getByRole('button', { name: '附近：Ada’s laptop' })).toBeTruthy();
  });
});
