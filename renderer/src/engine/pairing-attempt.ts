/**
 * One attempt to pair by code, from "show my code" or "enter a code" until the two devices have
 * exchanged verified `hello`s over their own connection (or the attempt failed).
 *
 * Once the joiner is in, the two devices run SPAKE2 (RFC 9382) through the service's relay, keyed
 * by the secret half of the code, and confirm the key before any connection is made: a wrong code
 * fails here on both sides, and the code is burned on the service (the abort ends the pairing). The
 * key then authenticates the connection itself: each device announces its DTLS fingerprint with a
 * MAC, and checks that the SDP it was relayed names the fingerprint the other device announced; once
 * connected, each checks the other's MAC over its view of both ends. A service that rewrites the SDP
 * or sits in the middle of DTLS is caught, and both people are told the connection may be
 * intercepted.
 *
 * The signaling socket lives only as long as the attempt: once paired, the devices talk directly
 * and the service can go away.
 *
 * An attempt that fails ends with the same, true reason on both devices: the side that gives up
 * first says why before it leaves (over the data channel when it is open, and always through the
 * service with `pair:abort`), and a side that sees the other go without a word waits briefly for
 * that reason before it says "the other device left".
 */
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { formatCode, generateSecret, type PairingCode } from '../../../contracts/pairing-code';
import type { HelloMessage } from '../../../contracts/peer-protocol';
import type {
  IceServer,
  PairAbortReason,
  PakeMessage,
  RelayData,
  SignalData,
} from '../../../contracts/signaling';
import type { ConnectStep, PairingFailure, PairingProgress } from './engine-actions';
import { checkPeerHello, connectionFingerprints, helloIdentity } from './identity/connection-identity';
import type { DeviceIdentity } from './identity/device-identity';
import { readConnectionView } from './pake/connection-view';
import {
  abortMac,
  announceFingerprint,
  bindConnection,
  derivePairingKeys,
  otherRole,
  startPairingPake,
  verificationPhrase,
  verifyAbort,
  verifyAnnouncedFingerprint,
  verifyConnectionBinding,
  type Fingerprint,
  type PairingKeys,
  type PairingRole,
} from './pake/pairing-pake';
import { sdpFingerprint } from './pake/sdp-fingerprint';
import type { Spake2, Spake2FinishResult } from './pake/spake2';
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
  'deviceId' | 'publicKey' | 'certificate' | 'sign' | 'certificateRotations'
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

function isPakeMessage(data: RelayData): data is PakeMessage {
  return data.type.startsWith('pake:');
}

function isDescription(data: SignalData): data is SignalData & { type: 'offer' | 'answer'; sdp?: string } {
  return data.type === 'offer' || data.type === 'answer' || data.type === 'pranswer';
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

  private pake: Spake2 | null = null;
  private pakeFinished: Extract<Spake2FinishResult, { ok: true }> | null = null;
  private pendingConfirmation: string | null = null;
  private keys: PairingKeys | null = null;
  /** Our fingerprint as last announced, so it is announced once per certificate. */
  private announcedLocal: Fingerprint | null = null;
  /** The fingerprint the other device announced (MAC checked): its SDP must name exactly this one. */
  private announcedRemote: Fingerprint | null = null;
  /**
   * Whether the other device's hello has arrived. Only the first one is the pairing's: the opener
   * adopts the connection as it answers, before the joiner has checked that answer, and a device
   * says hello again on its live connections when it is renamed (engine.announceIdentity), without
   * a binding. Checking such a later hello as if it were the first would call an honest
   * connection intercepted; and it cannot be an attack, since it arrives over the same DTLS
   * session as the first, whose binding decides.
   */
  private helloReceived = false;

  constructor(private readonly deps: PairingAttemptDeps) {}

  /** Opens a nameplate on the service and shows the code; waits for the other device. */
  async open(): Promise<void> {
    this.role = 'opener';
    this.deps.onProgress({ phase: 'opening' });
    const signaling = this.connectSignaling(
      {
        onPeerJoined: () => {
          if (this.done) return;
          this.deps.onProgress({ phase: 'checking-code' });
          this.sendShare();
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
    this.sendShare();
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
          if (this.done) return;
          if (isPakeMessage(data)) this.handlePake(data);
          else if (this.session) this.applyRemoteSignal(this.session, data);
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

  /** The PAKE's first message; both sides send theirs as soon as both are in the pair. */
  private sendShare(): void {
    if (this.pake || !this.code) return;
    this.pake = startPairingPake(this.code, this.role);
    void this.signaling?.relay({ type: 'pake:share', share: bytesToHex(this.pake.share) });
  }

  private handlePake(message: PakeMessage): void {
    switch (message.type) {
      case 'pake:share': {
        if (!this.pake) this.sendShare();
        if (!this.pake || this.pakeFinished) return this.refuseCode();
        const finished = this.pake.finish(hexToBytes(message.share));
        if (!finished.ok) return this.refuseCode();
        this.pakeFinished = finished;
        void this.signaling?.relay({ type: 'pake:confirm', mac: bytesToHex(finished.confirmation) });
        if (this.pendingConfirmation !== null) this.checkConfirmation(this.pendingConfirmation);
        return;
      }
      case 'pake:confirm':
        if (this.keys || this.pendingConfirmation !== null) return this.refuseCode();
        if (this.pakeFinished) this.checkConfirmation(message.mac);
        else this.pendingConfirmation = message.mac;
        return;
      case 'pake:fingerprint':
        if (!this.keys) return this.refuseCode();
        if (!verifyAnnouncedFingerprint(this.keys, otherRole(this.role), message.fingerprint, message.mac)) {
          return this.intercepted();
        }
        this.announcedRemote = message.fingerprint;
        return;
      case 'pake:abort':
        if (this.keys && verifyAbort(this.keys, otherRole(this.role), message.mac)) this.intercepted(false);
        return;
    }
  }

  private checkConfirmation(macHex: string): void {
    this.pendingConfirmation = null;
    const confirmed = this.pakeFinished?.verify(hexToBytes(macHex));
    if (!confirmed) return this.refuseCode();
    this.keys = derivePairingKeys(confirmed);
    this.deps.onProgress({ phase: 'connecting' });
    this.startSession(this.role === 'opener');
  }

  /**
   * The key confirmation failed: the other side typed a different code (or someone guessed). The
   * abort ends the pairing on the service, which keeps the nameplate closed: no second guess.
   */
  private refuseCode(): void {
    this.fail('code-mismatch', 'code-mismatch');
  }

  /**
   * What was relayed does not match what the other device authenticated. Tell it (with a MAC, so a
   * service cannot make one up) unless it told us, then stop: no connection is made.
   */
  private intercepted(tellPeer = true): void {
    if (this.done) return;
    const signaling = this.signaling;
    const keys = this.keys;
    // The attempt leaves the service itself, once the warning is relayed.
    this.signaling = null;
    this.fail('intercepted');
    void (async () => {
      if (tellPeer && keys) await signaling?.relay({ type: 'pake:abort', mac: abortMac(keys, this.role) });
      signaling?.close();
    })();
  }

  private startSession(initiator: boolean): void {
    if (this.session || this.done) return;
    const create = this.deps.createSession ?? ((options) => new PeerSession(options));
    const { certificate } = this.deps.identity;
    const session = create({
      initiator,
      iceServers: this.iceServers,
      ...(certificate ? { certificates: [certificate] } : {}),
      sendViaSignaling: (data) => this.sendSignal(data),
    });
    this.session = session;
    for (const data of this.pendingSignals.splice(0)) this.applyRemoteSignal(session, data);
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
      else if (message.type === 'peer:error' && message.code === 'CONNECTION_INTERCEPTED')
        this.fail('intercepted');
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

  /** Our SDP goes out only after the fingerprint it names, MAC'd, so the other side can check it. */
  private sendSignal(data: SignalData): void {
    if (this.done || !this.keys) return;
    if (isDescription(data)) {
      const fingerprint = sdpFingerprint(data.sdp ?? '');
      if (fingerprint === null) return this.fail('internal');
      if (fingerprint !== this.announcedLocal) {
        this.announcedLocal = fingerprint;
        const mac = announceFingerprint(this.keys, this.role, fingerprint);
        void this.signaling?.relay({ type: 'pake:fingerprint', fingerprint, mac });
      }
    }
    void this.signaling?.relay(data);
  }

  /** An SDP whose fingerprint is not the one the other device announced is never applied. */
  private applyRemoteSignal(session: PeerSession, data: SignalData): void {
    if (isDescription(data)) {
      const fingerprint = sdpFingerprint(data.sdp ?? '');
      if (fingerprint === null || this.announcedRemote === null || fingerprint !== this.announcedRemote) {
        return this.intercepted();
      }
    }
    session.applySignal(data);
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
    const keys = this.keys;
    if (!keys) return;
    const view = await readConnectionView(session.connection);
    if (this.done) return;
    if (!view) return this.turnAway(session);
    const fingerprints = connectionFingerprints(session.connection);
    if (!fingerprints) return this.fail('internal');
    const { deviceName, appVersion } = this.deps.identity;
    const binding = bindConnection(keys, this.role, view);
    session.send({
      type: 'hello',
      ...helloIdentity(this.deps.identity, fingerprints),
      deviceName,
      appVersion,
      binding,
    });
  }

  private async checkHello(session: PeerSession, hello: HelloMessage): Promise<void> {
    const keys = this.keys;
    if (this.done || !keys || this.helloReceived) return;
    this.helloReceived = true;
    const view = await readConnectionView(session.connection);
    if (this.done) return;
    if (
      !view ||
      hello.binding === undefined ||
      !verifyConnectionBinding(keys, otherRole(this.role), view, hello.binding)
    ) {
      return this.turnAway(session);
    }
    // The PAKE binding first: a device in the middle of DTLS also fails the identity check, and
    // "the connection may be intercepted" is the truer thing to tell both people.
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
    this.deps.onProgress({
      phase: 'connected',
      peerId: hello.deviceId,
      peerName: hello.deviceName,
      verificationPhrase: verificationPhrase(keys),
    });
  }

  /**
   * The connection this device negotiated is not the one the other device bound with the PAKE key
   * (or cannot be read): someone is in the middle. Told over the channel (when it opens) and, with a
   * MAC, through the service; the other device hangs up once it has read it.
   */
  private turnAway(session: PeerSession): void {
    const keys = this.keys;
    const signaling = this.signaling;
    this.signaling = null;
    this.finish();
    void (async () => {
      if (keys) await signaling?.relay({ type: 'pake:abort', mac: abortMac(keys, this.role) });
      signaling?.close();
    })();
    const tell = () => session.send({ type: 'peer:error', code: 'CONNECTION_INTERCEPTED' });
    if (session.isOpen) tell();
    else session.on('open', tell);
    // Closing first could lose the error on a busy machine, and the other device would then say
    // "left before pairing finished" instead of why.
    const closeAnyway = setTimeout(() => session.close(), MISMATCH_LINGER_MS);
    session.on('end', () => clearTimeout(closeAnyway));
    this.deps.onProgress({ phase: 'failed', reason: 'intercepted' });
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
