import { describe, expect, it } from 'vitest';
import { createAppPage } from './app-page';
import { decideNavigation, decideWindowOpen, isPermissionGranted } from './web-policy';

const filePage = createAppPage();
const devPage = createAppPage({ devServerUrl: 'http://localhost:5173/' });
const APP_URL = 'app://ferry/index.html';

describe('createAppPage', () => {
  it('loads the built page from app://ferry unless a dev server URL is given', () => {
    expect(filePage.target).toEqual({ kind: 'url', url: 'app://ferry/index.html' });
    expect(filePage.origin).toBe('app://ferry');
    expect(devPage.target).toEqual({ kind: 'url', url: 'http://localhost:5173/' });
  });

  it('ignores a dev server URL that is not http(s)', () => {
    const page = createAppPage({ devServerUrl: 'file:///etc/passwd' });
    expect(page.target.url).toBe('app://ferry/index.html');
  });

  it.each([
    [filePage, `${APP_URL}#/settings`, true],
    [filePage, `${APP_URL}?lang=en`, true],
    [filePage, 'app://ferry/', true],
    [filePage, 'app://ferry/other.html', false],
    [filePage, 'app://ferry/index.html.evil', false],
    [filePage, 'app://evil/index.html', false],
    [filePage, 'file:///opt/ferry/out/renderer/index.html', false],
    [filePage, 'http://localhost:5173/', false],
    [devPage, 'http://localhost:5173/#/chat', true],
    [devPage, 'http://localhost:5174/', false],
    [devPage, APP_URL, false],
  ])('isAppPage(%#)', (page, url, expected) => {
    expect(page.isAppPage(url)).toBe(expected);
  });
});

describe('navigation', () => {
  it.each([
    [`${APP_URL}#/x`, 'allow'],
    ['https://ferry.example/help', 'open-externally'],
    ['http://example.com', 'open-externally'],
    ['file:///etc/passwd', 'deny'],
    ['file:///opt/ferry/out/renderer/index.html', 'deny'],
    ['app://ferry/other.html', 'deny'],
    ['javascript:alert(1)', 'deny'],
    ['ferry://pair/K7MQ2XW', 'deny'],
    ['not a url', 'deny'],
  ])('%s → %s', (url, expected) => {
    expect(decideNavigation(url, filePage)).toBe(expected);
  });

  it('never opens a new app window: web links go to the browser, the rest nowhere', () => {
    expect(decideWindowOpen('https://example.com')).toBe('open-externally');
    expect(decideWindowOpen(APP_URL)).toBe('deny');
    expect(decideWindowOpen('smb://nas/share')).toBe('deny');
  });
});

describe('permissions', () => {
  it('grants the microphone to our page', () => {
    expect(
      isPermissionGranted({ permission: 'media', requestingUrl: APP_URL, mediaTypes: ['audio'] }, filePage),
    ).toBe(true);
  });

  it('refuses the camera, even together with the microphone', () => {
    for (const mediaTypes of [['video'], ['audio', 'video'], []]) {
      expect(isPermissionGranted({ permission: 'media', requestingUrl: APP_URL, mediaTypes }, filePage)).toBe(
        false,
      );
    }
  });

  it('grants sanitized clipboard writes, and checks by origin, to our page only', () => {
    expect(
      isPermissionGranted(
        { permission: 'clipboard-sanitized-write', requestingUrl: 'app://ferry' },
        filePage,
      ),
    ).toBe(true);
    expect(
      isPermissionGranted({ permission: 'clipboard-sanitized-write', requestingUrl: 'file:///' }, filePage),
    ).toBe(false);
    expect(
      isPermissionGranted(
        { permission: 'clipboard-sanitized-write', requestingUrl: 'http://localhost:5173' },
        devPage,
      ),
    ).toBe(true);
    expect(
      isPermissionGranted(
        { permission: 'clipboard-sanitized-write', requestingUrl: 'https://evil.example' },
        filePage,
      ),
    ).toBe(false);
  });

  it.each(['geolocation', 'notifications', 'clipboard-read', 'openExternal', 'midiSysex', 'fullscreen'])(
    'refuses %s',
    (permission) => {
      expect(
        isPermissionGranted({ permission, requestingUrl: APP_URL, mediaTypes: ['audio'] }, filePage),
      ).toBe(false);
    },
  );
});
