/**
 * One attempt to pair by code, from "show my code" or "enter a code" until the two devices have
 * exchanged verified `hello`s over their own connection (or the attempt failed).
 *
 * The signaling socket lives only as long as the attempt: once paired, the devices talk directly
 * and the service can go away.
 *
 * An attempt that fails ends with the same, true reason on both devices: the side that gives up
 * first says why before it leaves (over the data channel when it is open, and always through the
 * service with `pair:abort`), and a side that sees the other go without a word waits briefly for
 * that reason before it says "the other device left".
 */
import { formatCode, generateSecret, type PairingCode } from '../../../contracts/pairing-code';
import type { HelloMessage } from '../../../contracts/peer-protocol';
import type { IceServer, PairAbortReason, SignalData } from '../../../contracts/signaling';
import { computeCodeProof, proofsEqual, type PairingRole } from './code-proof';
import type { ConnectStep, PairingFailure, PairingProgress } from './engine-actions';
import { checkPeerHello, connectionFingerprints, helloIdentity } from './identity/connection-identity';
import type { DeviceIdentity } from './identity/device-identity';
import { pairingFailureFromCode } from './pairing-errors';
import { PeerSession, type PeerSessionOptions } from './peer-session';
import {
  SignalingConnection,
  type SignalingConnectionOptions,
  type SignalingHandlers,
} from './signaling-client';

/** Who this device is, as told to the other device in `hello`. */
export interface LocalIdentity extends Pick<
  DeviceIdentity,
  'deviceId' | 'publicKey' | 'certificate' | 'sign'
> {
  readonly deviceName: string;
  readonly appVersion: string;
}

export interface PairingAttemptDeps {
  readonly signalingUrl: string;
  /** Where "Show my code" opens the same code as well (the embedded service beside an internet one). */
  readonly mirrorSignalingUrls?: readonly string[];
  readonly identity: LocalIdentity;
  readonly extraIceServers: readonly IceServer[];
  readonly onProgress: (progress: PairingProgress) => void;
  /** The attempt succeeded: the session now belongs to the caller. */
  readonly onPaired: (session: PeerSession, hello: HelloMessage) => void;
  readonly createSignaling?: (
    url: string,
    handlers: SignalingHandlers,
    options?: SignalingConnectionOptions,
  ) => SignalingConnection;
  readonly createSession?: (options: PeerSessionOptions) => PeerSession;
  /** How long to wait for the other device's `hello` once the channel is open. */
  readonly helloTimeoutMs?: number;
}

const DEFAULT_HELLO_TIMEOUT_MS = 15_000;
/** How long a device that turned the other away waits for it to hang up before hanging up itself. */
export const MISMATCH_LINGER_MS = 5_000;
/**
 * How long a device whose peer went away without a word (left the service, or hung up the
 * connection) waits for the reason, which may still be on its way by the other path, before it
 * reports "the other device left".
 */
export const TOLD_REASON_GRACE_MS = 2_500;
/** How long a device that gives up waits for the service to relay its reason before it hangs up. */
const ABORT_ACK_TIMEOUT_MS = 2_000;
/** How often the ICE checks are looked at while connecting, to say what is being tried. */
const CONNECT_STEP_POLL_MS = 500;

/** What the other device's reason for giving up means for this one. */
function failureToldByPeer(reason: PairAbortReason, noPath: PairingFailure): PairingFailure {
  switch (reason) {
    case 'code-mismatch':
      return 'code-mismatch';
    case 'no-path':
      return noPath;
    case 'incompatible':
      return 'incompatible';
    case 'cancelled':
      return 'peer-cancelled';
    case 'closed':
      return 'peer-closed-app';
  }
}

/** Whether any of these servers is a TURN relay (then "no path" means not even through it). */
function hasRelay(servers: readonly IceServer[]): boolean {
  return servers.some((server) =>
    (Array.isArray(server.urls) ? server.urls : [server.urls]).some((url) => /^turns?:/i.test(url)),
  );
}

export class PairingAttempt {
  private signaling: SignalingConnection | null = null;
  private session: PeerSession | null = null;
  private code: PairingCode | null = null;
  private role: PairingRole = 'opener';
  private iceServers: IceServer[] = [];
  private pendingSignals: SignalData[] = [];
  private helloTimer: ReturnType<typeof setTimeout> | null = null;
  private quietTimer: ReturnType<typeof setTimeout> | null = null;
  private stepTimer: ReturnType<typeof setInterval> | null = null;
  private lastStep: ConnectStep | null = null;
  private channelOpen = false;
  private done = false;

  constructor(private readonly deps: PairingAttemptDeps) {}

  /** Opens a nameplate on the service and shows the code; waits for the other device. */
  async open(): Promise<void> {
    this.role = 'opener';
    this.deps.onProgress({ phase: 'opening' });
    const signaling = this.connectSignaling(
      {
        onPeerJoined: () => {
          this.deps.onProgress({ phase: 'connecting' });
          this.startSession(true);
        },
      },
      { mirrorUrls: this.deps.mirrorSignalingUrls ?? [] },
    );
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

  /**
   * Gives up without reporting a failure here: the person cancelled or started over (`cancelled`),
   * or Ferry is closing (`closed`). The other device is told which.
   */
  cancel(reason: 'cancelled' | 'closed' = 'cancelled'): void {
    const wasRunning = !this.done;
    this.finish();
    if (wasRunning) void this.leaveSignaling(reason);
    this.session?.close();
  }

  private connectSignaling(
    handlers: SignalingHandlers,
    options: SignalingConnectionOptions = {},
  ): SignalingConnection {
    const create = this.deps.createSignaling ?? ((url, h, o) => new SignalingConnection(url, h, o));
    this.signaling = create(
      this.deps.signalingUrl,
      {
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
            void this.leaveSignaling();
            this.deps.onProgress({ phase: 'expired' });
          } else {
            this.peerWentQuiet();
          }
        },
        onPairAborted: (reason) => this.fail(failureToldByPeer(reason, this.noPathFailure())),
        // The service turned this device away: nothing to tell the other device through it.
        onRefused: () => this.fail('incompatible'),
      },
      options,
    );
    return this.signaling;
  }

  private startSession(initiator: boolean): void {
    if (this.session || this.done) return;
    const create = this.deps.createSession ?? ((options) => new PeerSession(options));
    const { certificate } = this.deps.identity;
    const session = create({
      initiator,
      iceServers: this.iceServers,
      ...(certificate ? { certificates: [certificate] } : {}),
      sendViaSignaling: (data) => void this.signaling?.relay(data),
    });
    this.session = session;
    for (const data of this.pendingSignals.splice(0)) session.applySignal(data);
    this.stepTimer = setInterval(() => void this.reportConnectStep(session), CONNECT_STEP_POLL_MS);
    session.on('open', () => {
      this.channelOpen = true;
      this.stopConnectSteps();
      this.helloTimer = setTimeout(
        () => this.fail('incompatible', 'incompatible'),
        this.deps.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS,
      );
      // The joiner speaks first and the opener answers: a device only ever sends once it has heard
      // from the other, so no message races the other side's channel set-up.
      if (this.role === 'joiner') void this.sendHello(session);
    });
    session.on('message', (message) => {
      if (message.type === 'hello') void this.checkHello(session, message);
      else if (message.type === 'peer:error' && message.code === 'CODE_MISMATCH') this.fail('code-mismatch');
      else if (message.type === 'peer:error' && message.code === 'UNSUPPORTED_VERSION')
        this.fail('incompatible');
      else if (message.type === 'peer:error' && message.code === 'IDENTITY_REFUSED')
        this.fail('identity-refused');
    });
    session.on('invalidMessage', (code) => {
      // The session has already answered UNSUPPORTED_VERSION over the channel.
      if (code === 'UNSUPPORTED_PROTOCOL') this.fail('incompatible', 'incompatible');
    });
    session.on('end', (reason) => {
      if (this.done) return;
      // No path: this side knows it first-hand, and tells the other, whose own checks may run on
      // for another 15 s. Any other end came from the other device, whose reason may be on its way.
      if (reason === 'no-path') this.fail(this.noPathFailure(), 'no-path');
      else this.peerWentQuiet();
    });
  }

  /** Says what ICE is trying, when that changes, until the channel opens. */
  private async reportConnectStep(session: PeerSession): Promise<void> {
    const step = await session.connectStep();
    if (this.done || this.channelOpen || step === this.lastStep) return;
    this.lastStep = step;
    this.deps.onProgress({ phase: 'connecting', trying: step });
  }

  private stopConnectSteps(): void {
    if (this.stepTimer) clearInterval(this.stepTimer);
    this.stepTimer = null;
  }

  private noPathFailure(): PairingFailure {
    return hasRelay(this.iceServers) ? 'no-path-relay' : 'no-path';
  }

  /**
   * The other device went away without saying why: its reason may still arrive by the other path
   * (the service or the channel), so wait for it briefly before reporting that it left.
   */
  private peerWentQuiet(): void {
    if (this.done || this.quietTimer) return;
    this.quietTimer = setTimeout(() => this.fail('peer-left'), TOLD_REASON_GRACE_MS);
  }

  private async sendHello(session: PeerSession): Promise<void> {
    if (!this.code) return;
    const { deviceName, appVersion } = this.deps.identity;
    const fingerprints = connectionFingerprints(session.connection);
    const codeProof = await computeCodeProof(this.code, this.role);
    if (this.done) return;
    if (!fingerprints) return this.fail('internal');
    session.send({
      type: 'hello',
      ...helloIdentity(this.deps.identity, fingerprints),
      deviceName,
      appVersion,
      codeProof,
    });
  }

  private async checkHello(session: PeerSession, hello: HelloMessage): Promise<void> {
    if (this.done || !this.code) return;
    const expected = await computeCodeProof(this.code, this.role === 'opener' ? 'joiner' : 'opener');
    if (this.done) return;
    if (hello.codeProof === undefined || !proofsEqual(hello.codeProof, expected)) {
      this.finish();
      // Told both ways: the joiner's hello can arrive before this side's channel reports open
      // (then an error sent at once was silently dropped, and the joiner heard only "left").
      void this.leaveSignaling('code-mismatch');
      const tell = () => session.send({ type: 'peer:error', code: 'CODE_MISMATCH' });
      if (session.isOpen) tell();
      else session.on('open', tell);
      // The other device closes the connection once it has read the error. Closing it here first
      // (after a fixed short wait, as before) could lose the error on a busy machine, and the other
      // device then said "left before pairing finished" instead of "the code didn't match".
      const closeAnyway = setTimeout(() => session.close(), MISMATCH_LINGER_MS);
      session.on('end', () => clearTimeout(closeAnyway));
      this.deps.onProgress({ phase: 'failed', reason: 'code-mismatch' });
      return;
    }
    if (checkPeerHello(hello, connectionFingerprints(session.connection)) !== null) {
      // It knows the code but not the key of the device it claims to be (or is not on this
      // connection's certificate): no session, whatever it says. Told over the channel, which
      // stays up until the other device hangs up, as for a wrong code.
      this.finish();
      void this.leaveSignaling();
      const tell = () => session.send({ type: 'peer:error', code: 'IDENTITY_REFUSED' });
      if (session.isOpen) tell();
      else session.on('open', tell);
      const closeAnyway = setTimeout(() => session.close(), MISMATCH_LINGER_MS);
      session.on('end', () => clearTimeout(closeAnyway));
      this.deps.onProgress({ phase: 'failed', reason: 'identity-refused' });
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
    void this.leaveSignaling();
    // The session now belongs to the engine: cancelling this attempt later must not close it.
    this.session = null;
    this.deps.onPaired(session, hello);
    this.deps.onProgress({ phase: 'connected', peerId: hello.deviceId, peerName: hello.deviceName });
  }

  /**
   * Ends the attempt with `reason` shown here. `tell` is what this side found out itself and the
   * other device must hear (reasons heard from the other device are not echoed back): sent over
   * the channel when it is open, and through the service, before this side hangs up.
   */
  private fail(reason: PairingFailure, tell?: PairAbortReason): void {
    if (this.done) return;
    const session = this.session;
    this.finish();
    if (tell === 'incompatible') session?.send({ type: 'peer:error', code: 'UNSUPPORTED_VERSION' });
    // Hanging up the connection only once the service has relayed the reason: otherwise the other
    // device could see the connection close first and take that as its answer.
    void this.leaveSignaling(tell).then(() => session?.close());
    this.deps.onProgress({ phase: 'failed', reason });
  }

  /** Leaves the service, first telling the other device why through it when there is a reason. */
  private async leaveSignaling(reason?: PairAbortReason): Promise<void> {
    const signaling = this.signaling;
    this.signaling = null;
    if (!signaling) return;
    if (reason) await signaling.abort(reason, ABORT_ACK_TIMEOUT_MS);
    signaling.close();
  }

  /** Stops every timer of the attempt; what to tell and whom to hang up on is the caller's. */
  private finish(): void {
    this.done = true;
    if (this.helloTimer) clearTimeout(this.helloTimer);
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.stopConnectSteps();
  }
}
