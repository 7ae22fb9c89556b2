// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FerryEngine } from '../../engine/engine';
import type { Host } from '../../host/host';
import { createFerryStore } from '../../state/store';
import { testAppInfo, testSettings } from '../../state/testing/store-fixtures';
import { FerryProvider } from '../../ui/ferry-context';
import { PairingStatus } from './PairingStatus';

afterEach(cleanup);

function renderStatus(language: 'en' | 'zh-CN' = 'en') {
  const store = createFerryStore(testAppInfo, testSettings({ language }));
  let cancelled = 0;
  const engine = {
    cancelPairing: () => {
      cancelled++;
      store.getState().setPairing({ phase: 'idle' });
    },
  } as unknown as FerryEngine;
  render(
    <FerryProvider value={{ store, engine, host: { kind: 'web' } as unknown as Host }}>
      <PairingStatus />
    </FerryProvider>,
  );
  return { store, cancelled: () => cancelled };
}

describe('pairing status', () => {
  it('says what the connection is trying while it connects, and lets the person cancel', () => {
    const { store, cancelled } = renderStatus();
    act(() => store.getState().setPairing({ phase: 'connecting' }));
    expect(screen.getByRole('status').textContent).toContain('Connecting…');
    act(() => store.getState().setPairing({ phase: 'connecting', trying: 'direct' }));
    expect(screen.getByRole('status').textContent).toContain('trying a direct connection');
    act(() => store.getState().setPairing({ phase: 'connecting', trying: 'relay' }));
    expect(screen.getByRole('status').textContent).toContain('trying the relay');
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(cancelled()).toBe(1);
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
  });

  it('explains each way pairing can end that the other device told about', () => {
    const { store } = renderStatus();
    const shown = (reason: 'no-path' | 'no-path-relay' | 'peer-cancelled' | 'peer-closed-app') => {
      act(() => store.getState().setPairing({ phase: 'failed', reason }));
      return screen.getByRole('alert').textContent;
    };
    expect(shown('no-path')).toContain('relay (TURN) server would help');
    expect(shown('no-path-relay')).toContain('not even through the relay');
    expect(shown('peer-cancelled')).toContain('cancelled pairing');
    expect(shown('peer-closed-app')).toContain('closed Ferry');
  });

  it('speaks Simplified Chinese too', () => {
    const { store } = renderStatus('zh-CN');
    act(() => store.getState().setPairing({ phase: 'connecting', trying: 'relay' }));
    expect(screen.getByRole('status').textContent).toContain('正在尝试中继');
    expect(screen.getByRole('button', { name: '取消' })).toBeTruthy();
  });
});
