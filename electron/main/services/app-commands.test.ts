import { describe, expect, it } from 'vitest';
import type { AppCommand } from '../../../contracts/ipc';
import { createMemoryLogger } from '../test-support/memory-logger';
import { commandShowsWindow, createCommandDispatcher } from './app-commands';

function setup() {
  const sent: AppCommand[] = [];
  let windowShown = 0;
  const logger = createMemoryLogger();
  const dispatcher = createCommandDispatcher({
    send: (command) => sent.push(command),
    showWindow: () => void (windowShown += 1),
    logger,
  });
  return { dispatcher, sent, logger, windowShown: () => windowShown };
}

describe('command dispatcher', () => {
  it('holds commands until the page listens, then sends them in order', () => {
    const { dispatcher, sent } = setup();
    dispatcher.dispatch({ type: 'pair', code: 'K7M-Q2XW' });
    dispatcher.dispatch({ type: 'open-chat', peerId: 'desk' });
    expect(sent).toEqual([]);
    dispatcher.pageListening();
    expect(sent).toEqual([
      { type: 'pair', code: 'K7M-Q2XW' },
      { type: 'open-chat', peerId: 'desk' },
    ]);
    dispatcher.dispatch({ type: 'hang-up' });
    expect(sent.at(-1)).toEqual({ type: 'hang-up' });
  });

  it('holds again while the page reloads, and sends nothing twice', () => {
    const { dispatcher, sent } = setup();
    dispatcher.pageListening();
    dispatcher.dispatch({ type: 'toggle-mute' });
    dispatcher.pageGone();
    dispatcher.dispatch({ type: 'hang-up' });
    expect(sent).toEqual([{ type: 'toggle-mute' }]);
    dispatcher.pageListening();
    dispatcher.pageListening();
    expect(sent).toEqual([{ type: 'toggle-mute' }, { type: 'hang-up' }]);
  });

  it('keeps only the newest commands for a page that never listens', () => {
    const { dispatcher, sent } = setup();
    for (let index = 0; index < 20; index += 1)
      dispatcher.dispatch({ type: 'open-chat', peerId: `peer-${index}` });
    dispatcher.pageListening();
    expect(sent).toHaveLength(16);
    expect(sent[0]).toEqual({ type: 'open-chat', peerId: 'peer-4' });
  });

  it('never sends a malformed command', () => {
    const { dispatcher, sent, logger } = setup();
    dispatcher.pageListening();
    dispatcher.dispatch({ type: 'pair', code: 'not a code' });
    dispatcher.dispatch({ type: 'open-chat', peerId: '' });
    dispatcher.dispatch({ type: 'call', peerId: 'desk', extra: true } as AppCommand);
    expect(sent).toEqual([]);
    expect(logger.entries.filter((entry) => entry.level === 'error')).toHaveLength(3);
  });

  it('brings the window up for commands that happen in it, not for mute or hang up', () => {
    const { dispatcher, windowShown } = setup();
    dispatcher.dispatch({ type: 'toggle-mute' });
    dispatcher.dispatch({ type: 'hang-up' });
    dispatcher.dispatch({ type: 'decline-call' });
    expect(windowShown()).toBe(0);
    dispatcher.dispatch({ type: 'accept-call' });
    expect(windowShown()).toBe(1);
    expect((['call', 'open-chat'] as const).every((type) => commandShowsWindow({ type, peerId: 'x' }))).toBe(
      true,
    );
  });
});
