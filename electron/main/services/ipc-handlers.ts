/**
 * One `ipcMain.handle` per request channel of contracts/ipc.ts. Every handler, in this order:
 * refuses senders other than our window's page (FORBIDDEN), parses the arguments with the
 * channel's schema (INVALID_PAYLOAD), then calls the service. The reply is always a `Result`; an
 * exception in a service is logged and answered with INTERNAL, never thrown across IPC (Electron
 * would hand the renderer the error text, stack included).
 */
import {
  IPC_REQUEST_CHANNELS,
  ipcRequestSchemas,
  type IpcReply,
  type IpcRequestArgs,
  type IpcRequestChannel,
} from '../../../contracts/ipc';
import { err } from '../../../contracts/result';
import type { Logger } from './logger';
import type { IpcSenderInfo } from './trusted-sender';

/** What each channel does once its sender and arguments are checked. */
export type IpcServices = {
  readonly [C in IpcRequestChannel]: (
    sender: IpcSenderInfo,
    ...args: IpcRequestArgs<C>
  ) => IpcReply<C> | Promise<IpcReply<C>>;
};

/** The part of Electron's `ipcMain` used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcSenderInfo, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface IpcHandlerOptions {
  readonly ipcMain: IpcMainLike;
  readonly isTrustedSender: (event: IpcSenderInfo) => boolean;
  readonly services: IpcServices;
  readonly logger: Logger;
}

/** Registers every channel; returns a function that removes them again. */
export function registerIpcHandlers(options: IpcHandlerOptions): () => void {
  const { ipcMain, logger } = options;
  for (const channel of IPC_REQUEST_CHANNELS) {
    ipcMain.handle(channel, (event, ...args) => handle(options, channel, event, args));
  }
  logger.debug({ channels: IPC_REQUEST_CHANNELS }, 'IPC handlers registered');
  return () => {
    for (const channel of IPC_REQUEST_CHANNELS) ipcMain.removeHandler(channel);
  };
}

async function handle<C extends IpcRequestChannel>(
  options: IpcHandlerOptions,
  channel: C,
  event: IpcSenderInfo,
  args: unknown[],
): Promise<IpcReply<C>> {
  const { logger } = options;
  if (!options.isTrustedSender(event)) {
    logger.warn({ channel, url: event.senderFrame?.url }, 'IPC from an untrusted sender refused');
    return err('FORBIDDEN');
  }
  const parsed = ipcRequestSchemas[channel].safeParse(args);
  if (!parsed.success) {
    logger.warn({ channel, issue: parsed.error.issues[0]?.message }, 'IPC arguments refused');
    return err('INVALID_PAYLOAD', parsed.error.issues[0]?.message);
  }
  // The schema map and the services map are keyed by the same channel, but TypeScript cannot
  // follow a generic key through both; the parse above is what makes this call safe.
  const service = options.services[channel] as (
    sender: IpcSenderInfo,
    ...args: unknown[]
  ) => Promise<IpcReply<C>>;
  try {
    return await service(event, ...(parsed.data as unknown[]));
  } catch (error) {
    logger.error({ channel, error }, 'IPC service failed');
    return err('INTERNAL');
  }
}
