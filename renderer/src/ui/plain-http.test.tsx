// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CallManager } from '../engine/call/call-manager';
import type { FerryEngine } from '../engine/engine';
import { CallProvider } from '../features/call/call-context';
import { ShowCodePanel } from '../features/pairing/ShowCodePanel';
import { createBlobSink } from '../host/blob-sink';
import type { Host } from '../host/host';
import { createFerryStore } from '../state/store';
import { testAppInfo, testSettings } from '../state/testing/store-fixtures';
import { FerryProvider } from './ferry-context';
import { PlainHttpNotice } from './PlainHttpNotice';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function renderWith(ui: ReactNode, host: Host, canCallHere = false) {
  const store = createFerryStore(testAppInfo, testSettings());
  render(
    <FerryProvider value={{ store, engine: {} as FerryEngine, host }}>
      <CallProvider manager={{ canCallHere } as CallManager}>{ui}</CallProvider>
    </FerryProvider>,
  );
}

describe('a page served over plain http (not a secure context)', () => {
  it('says up front what works differently and what to do instead', () => {
    const { sink } = createBlobSink();
    renderWith(<PlainHttpNotice secureContext={false} />, { kind: 'web', receive: sink } as Host);
    const notice = screen.getByRole('complementary', { name: /opened Ferry over plain http/ });
    expect(notice.textContent).toContain('Files: up to 1 GB at a time');
    expect(notice.textContent).toContain('Calls aren’t possible');
    expect(notice.textContent).toContain('No system notifications');
    expect(notice.textContent).toContain('install the Ferry app or open Ferry over https');
    fireEvent.click(screen.getByRole('button', { name: 'Got it' }));
    expect(screen.queryByRole('complementary')).toBeNull();
  });

  it('shows nothing in a secure context', () => {
    renderWith(<PlainHttpNotice secureContext />, { kind: 'web' } as Host, true);
    expect(screen.queryByRole('complementary')).toBeNull();
  });

  it('“Copy code” without a clipboard selects the code and says how to copy it', () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: undefined });
    renderWith(<ShowCodePanel code="K7M-Q2XW" expiresAt={Date.now() + 60_000} onCancel={() => undefined} />, {
      kind: 'web',
      getLocalInfo: async () => null,
    } as unknown as Host);
    fireEvent.click(screen.getByRole('button', { name: 'Copy code' }));
    return vi.waitFor(() => {
      expect(screen.getByRole('status').textContent).toContain('The code is selected: press Ctrl+C');
      expect(window.getSelection()?.toString()).toBe('K7M-Q2XW');
    });
  });
});
