/**
 * One attempt to pair by code, from "show my code" or "enter a code" until the two devices have
 * exchanged verified `hello`s over their own connection (or the attempt failed).
 *
 * The signaling socket lives only as long as the attempt: once paired, the devices talk directly
 * and the service can go away.
 */
import { formatCode, generateSecret, type PairingCode } from '../../../contracts/pairing-code';
import type { HelloMessage } from '../../../contracts/peer-protocol';
import type { IceServer, SignalData } from '../../../contracts/signaling';
import { computeCodeProof, proofsEqual, type PairingRole } from './code-proof';
import type { PairingFailure, PairingProgress } from './engine-actions';
import { pairingFailureFromCode } from './pairing-errors';
import { PeerSession, type PeerSessionOptions } from './peer-session';
import { SignalingConnection, type SignalingHandlers } from './signaling-client';

/** Who this device is, as told to the other device in `hello`. */
export interface LocalIdentity {
  readonly deviceId: string;
  readonly deviceName: string;
  readonly appVersion: string;
}

export interface PairingAttemptDeps {
  readonly signalingUrl: string;
  readonly identity: LocalIdentity;
  readonly extraIceServers: readonly IceServer[];
  readonly onProgress: (progress: PairingProgress) => void;
  /** The attempt succeeded: the session now belongs to the caller. */
  readonly onPaired: (session: PeerSession, hello: HelloMessage) => void;
  readonly createSignaling?: (url: string, handlers: SignalingHandlers) => SignalingConnection;
  readonly createSession?: (options: PeerSessionOptions) => PeerSession;
  /** How long to wait for the other device's `hello` once the channel is open. */
  readonly helloTimeoutMs?: number;
}

const DEFAULT_HELLO_TIMEOUT_MS = 15_000;
/** How long a device that turned the other away waits for it to hang up before hanging up itself. */
export const MISMATCH_LINGER_MS = 5_000;

export class PairingAttempt {
  private signaling: SignalingConnection | null = null;
  private session: PeerSession | null = null;
  private code: PairingCode | null = null;
  private role: PairingRole = 'opener';
  private iceServers: IceServer[] = [];
  private pendingSignals: SignalData[] = [];
  private helloTimer: ReturnType<typeof setTimeout> | null = null;
  private channelOpen = false;
  private done = false;

  constructor(private readonly deps: PairingAttemptDeps) {}

  /** Opens a nameplate on the service and shows the code; waits for the other device. */
  async open(): Promise<void> {
    this.role = 'opener';
    this.deps.onProgress({ phase: 'opening' });
    const signaling = this.connectSignaling({
      onPeerJoined: () => {
        this.deps.onProgress({ phase: 'connecting' });
        this.startSession(true);
      },
    });
    const opened = await signaling.open();
    if (this.done) return;
    if (!opened.ok) return this.fail(pairingFailureFromCode(opened.error.code));
    this.code = { nameplate: opened.value.nameplate, secret: generateSecret() };
    this.iceServers = [...opened.value.iceServers, ...this.deps.extraIceServers];
    this.deps.onProgress({
      phase: 'showing-code',
      code: formatCode(this.code),
      expiresAt: opened.value.expiresAt,
    });
  }

  /** Joins the other device's code. */
  async join(code: PairingCode): Promise<void> {
    this.role = 'joiner';
    this.code = code;
    this.deps.onProgress({ phase: 'checking-code' });
    const signaling = this.connectSignaling({});
    const joined = await signaling.join(code.nameplate);
    if (this.done) return;
    if (!joined.ok) return this.fail(pairingFailureFromCode(joined.error.code));
    this.iceServers = [...joined.value.iceServers, ...this.deps.extraIceServers];
    this.deps.onProgress({ phase: 'connecting' });
    this.startSession(false);
  }

  /** Gives up without reporting a failure (the user cancelled or started over). */
  cancel(): void {
    this.finish();
    this.session?.close();
  }

  private connectSignaling(handlers: SignalingHandlers): SignalingConnection {
    const create = this.deps.createSignaling ?? ((url, h) => new SignalingConnection(url, h));
    this.signaling = create(this.deps.signalingUrl, {
      ...handlers,
      onSignal: (data) => {
        if (this.session) this.session.applySignal(data);
        else this.pendingSignals.push(data);
      },
      onPairEnded: (reason) => {
        // Once the devices have their own channel, the service's view no longer matters: the other
        // device may finish first and leave the service while our checks are still running.
        if (this.done || this.channelOpen) return;
        if (reason === 'expired') {
          this.finish();
          this.deps.onProgress({ phase: 'expired' });
        } else {
          this.fail('peer-left');
        }
      },
      onRefused: () => {
        if (!this.done) this.fail('incompatible');
      },
    });
    return this.signaling;
  }

  private startSession(initiator: boolean): void {
    if (this.session || this.done) return;
    const create = this.deps.createSession ?? ((options) => new PeerSession(options));
    const session = create({
      initiator,
      iceServers: this.iceServers,
      sendViaSignaling: (data) => void this.signaling?.relay(data),
    });
    this.session = session;
    for (const data of this.pendingSignals.splice(0)) session.applySignal(data);
    session.on('open', () => {
      this.channelOpen = true;
      this.helloTimer = setTimeout(
        () => this.fail('incompatible'),
        this.deps.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS,
      );
      // The joiner speaks first and the opener answers: a device only ever sends once it has heard
      // from the other, so no message races the other side's channel set-up.
      if (this.role === 'joiner') void this.sendHello(session);
    });
    session.on('message', (message) => {
      if (message.type === 'hello') void this.checkHello(session, message);
      else if (message.type === 'peer:error' && message.code === 'CODE_MISMATCH') this.fail('code-mismatch');
    });
    session.on('end', (reason) => {
      if (!this.done) this.fail(reason === 'no-path' ? 'no-path' : 'peer-left');
    });
  }

  private async sendHello(session: PeerSession): Promise<void> {
    if (!this.code) return;
    const { deviceId, deviceName, appVersion } = this.deps.identity;
    const codeProof = await computeCodeProof(this.code, this.role);
    if (!this.done) session.send({ type: 'hello', deviceId, deviceName, appVersion, codeProof });
  }

  private async checkHello(session: PeerSession, hello: HelloMessage): Promise<void> {
    if (this.done || !this.code) return;
    const expected = await computeCodeProof(this.code, this.role === 'opener' ? 'joiner' : 'opener');
    if (this.done) return;
    if (hello.codeProof === undefined || !proofsEqual(hello.codeProof, expected)) {
      session.send({ type: 'peer:error', code: 'CODE_MISMATCH' });
      this.finish();
      // The other device closes the connection once it has read the error. Closing it here first
      // (after a fixed short wait, as before) could lose the error on a busy machine, and the other
      // device then said "left before pairing finished" instead of "the code didn't match".
      const closeAnyway = setTimeout(() => session.close(), MISMATCH_LINGER_MS);
      session.on('end', () => clearTimeout(closeAnyway));
      this.deps.onProgress({ phase: 'failed', reason: 'code-mismatch' });
      return;
    }
    if (this.role === 'opener') {
      // The joiner's hello can arrive before our side reports the connection open (simple-peer
      // reads the selected candidate pair from getStats first); answer once we can send.
      if (!session.isOpen) await new Promise<void>((resolve) => session.on('open', resolve));
      await this.sendHello(session);
    }
    if (this.done) return;
    this.finish();
    // The session now belongs to the engine: cancelling this attempt later must not close it.
    this.session = null;
    this.deps.onPaired(session, hello);
    this.deps.onProgress({ phase: 'connected', peerId: hello.deviceId, peerName: hello.deviceName });
  }

  private fail(reason: PairingFailure): void {
    const session = this.session;
    this.finish();
    session?.close();
    this.deps.onProgress({ phase: 'failed', reason });
  }

  private finish(): void {
    this.done = true;
    if (this.helloTimer) clearTimeout(this.helloTimer);
    this.signaling?.close();
    this.signaling = null;
  }
}
