import type {
  ChatLine,
  EngineActions,
  OutgoingChatStatus,
  PairingProgress,
  RemoteDevice,
} from '../engine-actions';

/** EngineActions that remember everything the engine reported, with waiters for tests. */
export class RecordingActions implements EngineActions {
  readonly progress: PairingProgress[] = [];
  readonly online = new Map<string, RemoteDevice>();
  readonly offline: string[] = [];
  /** Device ids whose connection is being restored right now. */
  readonly reconnecting = new Set<string>();
  readonly outgoing: ChatLine[] = [];
  readonly statuses = new Map<string, OutgoingChatStatus>();
  readonly incoming: ChatLine[] = [];
  private readonly waiters = new Set<() => void>();

  setPairing(progress: PairingProgress): void {
    this.progress.push(progress);
    this.notify();
  }
  peerOnline(device: RemoteDevice): void {
    this.online.set(device.id, device);
    this.notify();
  }
  peerOffline(deviceId: string): void {
    this.offline.push(deviceId);
    this.notify();
  }
  peerReconnecting(deviceId: string, reconnecting: boolean): void {
    if (reconnecting) this.reconnecting.add(deviceId);
    else this.reconnecting.delete(deviceId);
    this.notify();
  }
  chatOutgoing(_deviceId: string, line: ChatLine): void {
    this.outgoing.push(line);
    this.statuses.set(line.id, 'sending');
    this.notify();
  }
  chatStatus(_deviceId: string, messageId: string, status: OutgoingChatStatus): void {
    this.statuses.set(messageId, status);
    this.notify();
  }
  chatIncoming(_deviceId: string, line: ChatLine): void {
    this.incoming.push(line);
    this.notify();
  }

  get lastProgress(): PairingProgress | undefined {
    return this.progress.at(-1);
  }

  /** Resolves once `condition` holds, re-checked after every report; rejects after `timeoutMs`. */
  until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        reject(new Error(`condition not met; last progress: ${JSON.stringify(this.lastProgress)}`));
      }, timeoutMs);
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
