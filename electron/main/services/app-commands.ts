/**
 * Delivers `AppCommand`s (from the tray, notifications and `ferry://` links) to the renderer.
 *
 * A command can arise before the page listens: Ferry started by a link, or a tray click during a
 * reload. Those are held until the page says it listens (`commands:subscribe`) and then sent in
 * order; a page that starts loading stops counting as listening. Every command is parsed with the
 * contract's schema before it leaves, so the renderer only ever receives well-formed ones.
 */
import { appCommandSchema, type AppCommand } from '../../../contracts/ipc';
import type { Logger } from './logger';

/** Held commands beyond this are dropped, oldest first: a page that never listens must not grow this. */
const MAX_HELD_COMMANDS = 16;

export interface CommandDispatcher {
  dispatch(command: AppCommand): void;
  /** The page called `onCommand`: send what was held. */
  pageListening(): void;
  /** The page is (re)loading: hold commands until it listens again. */
  pageGone(): void;
}

export interface CommandDispatcherOptions {
  readonly send: (command: AppCommand) => void;
  /** Commands the user expects to see happen in the window (open a chat, pair…) bring it up. */
  readonly showWindow: () => void;
  readonly logger: Logger;
}

/**
 * Mute, hang up (tray) and Decline (call notification) work without taking the user away from what
 * they were doing.
 */
export function commandShowsWindow(command: AppCommand): boolean {
  return command.type !== 'toggle-mute' && command.type !== 'hang-up' && command.type !== 'decline-call';
}

export function createCommandDispatcher(options: CommandDispatcherOptions): CommandDispatcher {
  const held: AppCommand[] = [];
  let listening = false;
  return {
    dispatch(command) {
      const parsed = appCommandSchema.safeParse(command);
      if (!parsed.success) {
        options.logger.error({ type: command.type }, 'malformed command not sent');
        return;
      }
      if (commandShowsWindow(parsed.data)) options.showWindow();
      if (listening) {
        options.send(parsed.data);
        return;
      }
      held.push(parsed.data);
      if (held.length > MAX_HELD_COMMANDS) held.shift();
    },
    pageListening() {
      listening = true;
      for (const command of held.splice(0)) options.send(command);
    },
    pageGone() {
      listening = false;
    },
  };
}
