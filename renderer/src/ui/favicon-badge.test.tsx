// @vitest-environment jsdom
import { act, cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { FerryEngine } from '../engine/engine';
import type { Host } from '../host/host';
import { createFerryStore, engineActionsFor } from '../state/store';
import { testAppInfo, testSettings } from '../state/testing/store-fixtures';
import { faviconSvg, useFaviconBadge } from './favicon-badge';
import { FerryProvider } from './ferry-context';
import faviconFile from '../../public/favicon.svg?raw';

afterEach(() => {
  cleanup();
  document.head.innerHTML = '';
});

function Badge() {
  useFaviconBadge();
  return null;
}

const iconHref = () => document.querySelector('link[rel="icon"]')?.getAttribute('href') ?? '';
const iconSvg = () => decodeURIComponent(iconHref().replace(/^data:image\/svg\+xml,/, ''));

describe('the favicon badge', () => {
  it("is the page's own icon without a badge", () => {
    expect(faviconSvg(0)).toBe(faviconFile.trim());
  });

  it('counts unread messages on the tab icon, and gives the icon back once they are read', () => {
    document.head.innerHTML = '<link rel="icon" type="image/svg+xml" href="./favicon.svg" />';
    const store = createFerryStore(testAppInfo, testSettings());
    const actions = engineActionsFor(store);
    render(
      <FerryProvider value={{ store, engine: {} as FerryEngine, host: { kind: 'web' } as Host }}>
        <Badge />
      </FerryProvider>,
    );
    act(() => actions.peerOnline({ id: 'bob', name: 'Bob', appVersion: '0.1.0' }));
    expect(iconHref()).toBe('./favicon.svg');

    act(() => {
      actions.chatIncoming('bob', { id: 'b1', text: 'hi', sentAt: 1 });
      actions.chatIncoming('bob', { id: 'b2', text: 'there', sentAt: 2 });
    });
    expect(iconHref()).toMatch(/^data:image\/svg\+xml,/);
    expect(iconSvg()).toContain('>2</text>');

    act(() => {
      for (let index = 3; index <= 12; index++)
        actions.chatIncoming('bob', { id: `b${index}`, text: '.', sentAt: index });
    });
    expect(iconSvg()).toContain('>9+</text>');

    act(() => store.getState().selectDevice('bob'));
    expect(iconHref()).toBe('./favicon.svg');
  });
});
