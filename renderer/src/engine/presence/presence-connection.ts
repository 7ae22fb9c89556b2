/**
 * This device's presence on one signaling service (contracts/presence.ts): one socket, kept up for
 * as long as Ferry runs, in the room of every remembered device. After every (re)connection it asks
 * for a fresh challenge and enters the rooms again, since the service forgets a socket that left.
 *
 * socket.io reconnects with exponential back-off and ±50 % jitter (up to 30 s), so a thousand
 * devices coming back after an outage of the service spread their returns instead of arriving at once.
 */
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import { encodeBase64Url, type DevicePublicKey } from '../../../../contracts/device-identity';
import {
  presenceChallengeReplySchema,
  presenceJoinReplySchema,
  presencePeerEventSchema,
  presenceProofPayload,
  presenceSignalEventSchema,
  rendezvousIdOf,
  type PresenceJoinReply,
} from '../../../../contracts/presence';
import { resultSchema, type Result } from '../../../../contracts/result';
import { requestAck } from '../service-ack';
import {
  SIGNALING_PROTOCOL_VERSION,
  type ClientToServerEvents,
  type IceServer,
  type ServerToClientEvents,
  type SignalData,
} from '../../../../contracts/signaling';

const ACK_TIMEOUT_MS = 10_000;
const challengeAck = resultSchema(presenceChallengeReplySchema);
const joinAck = resultSchema(presenceJoinReplySchema);
const nullAck = resultSchema(z.null());

export interface PresenceHandlers {
  /** The other device of a room is there (`present`) or left; `iceServers` come from this service. */
  onPeer(rendezvousId: string, present: boolean, iceServers: readonly IceServer[]): void;
  /** `restart`: an ICE restart of the connection the devices still have (contracts/presence.ts). */
  onSignal(rendezvousId: string, data: SignalData, restart: boolean): void;
  /** The service refused a claim (IDENTITY_REFUSED…) or this client; for logs and tests. */
  onRefused?(code: string): void;
}

export interface PresenceSigner {
  readonly publicKey: DevicePublicKey;
  sign(message: Uint8Array): Uint8Array;
}

type PresenceSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export class PresenceConnection {
  private readonly socket: PresenceSocket;
  /** The peers whose rooms this connection is in, by room id. */
  private readonly peers = new Map<string, DevicePublicKey>();
  private iceServers: readonly IceServer[] = [];
  private challenge: string | null = null;

  constructor(
    readonly url: string,
    private readonly signer: PresenceSigner,
    private readonly handlers: PresenceHandlers,
  ) {
    this.socket = io(url, {
      auth: { protocol: SIGNALING_PROTOCOL_VERSION },
      forceNew: true,
      transports: ['websocket', 'polling'],
      reconnectionDelay: 1_000,
      reconnectionDelayMax: 30_000,
      randomizationFactor: 0.5,
    });
    this.socket.on('connect', () => {
      this.challenge = null;
      for (const peerKey of [...this.peers.values()]) void this.enter(peerKey);
    });
    this.socket.on('presence:peer', (event) => {
      const parsed = presencePeerEventSchema.safeParse(event);
      if (parsed.success && this.peers.has(parsed.data.rendezvousId))
        handlers.onPeer(parsed.data.rendezvousId, parsed.data.present, this.iceServers);
    });
    this.socket.on('presence:signal', (event) => {
      const parsed = presenceSignalEventSchema.safeParse(event);
      if (parsed.success && this.peers.has(parsed.data.rendezvousId))
        handlers.onSignal(parsed.data.rendezvousId, parsed.data.data, parsed.data.restart === true);
    });
  }

  get connected(): boolean {
    return this.socket.connected;
  }

  /** Enters the room shared with `peerKey` now (if connected) and after every reconnection. */
  watch(peerKey: DevicePublicKey): string {
    const rendezvousId = rendezvousIdOf(this.signer.publicKey, peerKey);
    if (!this.peers.has(rendezvousId)) {
      this.peers.set(rendezvousId, peerKey);
      if (this.socket.connected) void this.enter(peerKey);
    }
    return rendezvousId;
  }

  /** Leaves the room shared with `peerKey` (a forgotten device). */
  unwatch(peerKey: DevicePublicKey): void {
    this.unwatchRoom(rendezvousIdOf(this.signer.publicKey, peerKey));
  }

  unwatchRoom(rendezvousId: string): void {
    if (!this.peers.delete(rendezvousId)) return;
    if (this.socket.connected)
      void this.request(nullAck, () =>
        this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('presence:leave', { rendezvousId }),
      );
  }

  signal(rendezvousId: string, data: SignalData, restart = false): Promise<Result<null>> {
    return this.request(nullAck, () =>
      this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('presence:signal', {
        rendezvousId,
        data,
        ...(restart ? { restart: true as const } : {}),
      }),
    );
  }

  /** Tries at once instead of waiting for the back-off (the network came back, the page woke). */
  wake(): void {
    if (!this.socket.connected && !this.socket.active) this.socket.connect();
    else if (!this.socket.connected) {
      // socket.io is waiting out its back-off: start the next attempt now.
      this.socket.disconnect();
      this.socket.connect();
    }
  }

  close(): void {
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }

  private async enter(peerKey: DevicePublicKey): Promise<Result<PresenceJoinReply>> {
    const challenge = await this.currentChallenge();
    if (!challenge.ok) return challenge;
    const rendezvousId = rendezvousIdOf(this.signer.publicKey, peerKey);
    const signature = encodeBase64Url(this.signer.sign(presenceProofPayload(challenge.value, rendezvousId)));
    const joined = await this.request(joinAck, () =>
      this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('presence:join', {
        publicKey: this.signer.publicKey,
        peerPublicKey: peerKey,
        signature,
      }),
    );
    if (!joined.ok) {
      this.handlers.onRefused?.(joined.error.code);
      return joined;
    }
    this.iceServers = joined.value.iceServers;
    if (joined.value.peerPresent && this.peers.has(rendezvousId))
      this.handlers.onPeer(rendezvousId, true, joined.value.iceServers);
    return joined;
  }

  private async currentChallenge(): Promise<Result<string>> {
    if (this.challenge !== null) return { ok: true, value: this.challenge };
    const reply = await this.request(challengeAck, () =>
      this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('presence:challenge', {}),
    );
    if (!reply.ok) return reply;
    this.challenge = reply.value.challenge;
    return { ok: true, value: reply.value.challenge };
  }

  private request<T>(schema: z.ZodType<Result<T>>, send: () => Promise<unknown>): Promise<Result<T>> {
    return requestAck(this.socket, schema, send);
  }
}
