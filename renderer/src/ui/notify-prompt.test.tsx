// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FerryEngine } from '../engine/engine';
import type { Host } from '../host/host';
import { createFerryStore, engineActionsFor } from '../state/store';
import { testAppInfo, testSettings } from '../state/testing/store-fixtures';
import { FerryProvider } from './ferry-context';
import { NotifyPrompt } from './NotifyPrompt';

afterEach(cleanup);

function setup(initial: NotificationPermission = 'default', language: 'en' | 'zh-CN' = 'en') {
  let permission = initial;
  const requests: string[] = [];
  const items = new Map<string, string>();
  const storage = {
    getItem: (key: string) => items.get(key) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
  };
  const host = {
    kind: 'web',
    notificationPermission: {
      state: () => permission,
      request: async () => {
        requests.push('asked');
        permission = 'granted';
        return permission;
      },
    },
  } as unknown as Host;
  const store = createFerryStore(testAppInfo, testSettings({ language }));
  const view = () => (
    <FerryProvider value={{ store, engine: {} as FerryEngine, host }}>
      <NotifyPrompt storage={storage} />
    </FerryProvider>
  );
  const rendered = render(view());
  const pairBob = () =>
    act(() => engineActionsFor(store).peerOnline({ id: 'bob', name: 'Bob', appVersion: '0.1.0' }));
  return { requests, items, pairBob, remount: () => (rendered.unmount(), render(view())) };
}

describe('the notifications prompt', () => {
  it('waits for a paired device, says why, and asks the browser only on a click', async () => {
    const { requests, pairBob } = setup();
    // Never on load: nobody to hear from yet.
    expect(screen.queryByRole('region')).toBeNull();
    pairBob();
    const prompt = screen.getByRole('region', {
      name: 'Ferry can tell you about messages, files and calls while this tab is in the background.',
    });
    expect(prompt).toBeTruthy();
    expect(requests).toEqual([]);
    fireEvent.click(screen.getByRole('button', { name: 'Turn on notifications' }));
    await waitFor(() => expect(screen.queryByRole('region')).toBeNull());
    expect(requests).toEqual(['asked']);
  });

  it('"Not now" is remembered in this browser', () => {
    const { requests, items, pairBob, remount } = setup();
    pairBob();
    fireEvent.click(screen.getByRole('button', { name: 'Not now' }));
    expect(screen.queryByRole('region')).toBeNull();
    expect(items.has('ferry.notifyPrompt.dismissed')).toBe(true);
    remount();
    expect(screen.queryByRole('button', { name: 'Turn on notifications' })).toBeNull();
    expect(requests).toEqual([]);
  });

  it('stays away once the browser has an answer', () => {
    setup('denied').pairBob();
    expect(screen.queryByRole('region')).toBeNull();
  });

  it('speaks Chinese', () => {
    setup('default', 'zh-CN').pairBob();
    expect(screen.getByRole('button', { name: '开启通知' })).toBeTruthy();
    expect(screen.getByRole('button', { name: '暂不' })).toBeTruthy();
  });
});
