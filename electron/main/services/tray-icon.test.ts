import { describe, expect, it } from 'vitest';
import { trayIconFileName } from './tray-icon';

// That every named file exists, at the right size, is checked in ../packaging-config.test.ts.
describe('trayIconFileName', () => {
  it('uses template images on macOS, 16 px on Windows and 32 px on Linux', () => {
    expect(trayIconFileName('in-call', 'darwin')).toBe('in-callTemplate.png');
    expect(trayIconFileName('in-call', 'win32')).toBe('in-call.png');
    expect(trayIconFileName('in-call', 'linux')).toBe('in-call-32.png');
    expect(trayIconFileName('idle', 'freebsd')).toBe('idle-32.png');
  });
});
