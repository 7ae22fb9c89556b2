/**
 * Brings remembered devices back without a code. On every service this device can reach (the
 * configured one, its own embedded one, those of nearby Ferry devices) it keeps a presence
 * connection in the room of each remembered device; when both devices are in a room and they have
 * no live connection, the one with the smaller public key makes a WebRTC offer through the room,
 * and the two exchange `hello`s as at pairing, minus the code. The other device must prove the key
 * this one remembered for it, on this very connection (its DTLS fingerprints), and the certificate
 * DTLS negotiated must be the pinned one, or one the device rotated to (a rotation statement
 * signed by the pinned key), before the session is handed to the engine.
 *
 * A failed attempt is retried with exponential back-off and jitter while the other device stays in
 * the room; waking up (`online`, the page shown again) tries at once.
 *
 * The same rooms carry the ICE restart of a connection that is still up but whose path dropped
 * (`rescue`): its control channel runs on that path, and after a new address or a NAT rebinding
 * only a restart signalled some other way brings it back. One rendezvous per pair of devices, the
 * authenticated one, serves both. (Every paired device is remembered, browser peers included, so
 * there is no connection this cannot serve; a session without a rescue route, as in tests without
 * remembered devices, still restarts over its channel, which covers outages where the addresses
 * stay the same.)
 */
import type { HelloMessage } from '../../../../contracts/peer-protocol';
import { followRotations } from '../../../../contracts/device-identity';
import { makesTheOffer, rendezvousIdOf } from '../../../../contracts/presence';
import type { IceServer, SignalData } from '../../../../contracts/signaling';
import { checkPeerHello, connectionFingerprints, helloIdentity } from '../identity/connection-identity';
import type { LocalIdentity } from '../pairing-attempt';
import { readConnectionView, type ConnectionView } from '../pake/connection-view';
import { PeerSession, type PeerSessionOptions } from '../peer-session';
import type { RememberedDevice } from '../remembered/device-book';
import type { RememberedDevices } from '../remembered/remembered-devices';
import { distinctServiceUrls } from '../rendezvous';
import { PresenceConnection, type PresenceHandlers, type PresenceSigner } from './presence-connection';

/**
 * Why a remembered device was turned away: it did not prove the remembered key on this connection
 * (`identity-refused`), or it did, but DTLS negotiated a certificate other than the pinned one and
 * it showed no rotation statement from the pinned one signed by that key (`certificate-changed`).
 */
export type ReconnectRefusal = 'identity-refused' | 'certificate-changed';

export interface ReconnectorDeps {
  readonly identity: () => LocalIdentity;
  readonly remembered: RememberedDevices;
  /** Every service to be present on; asked again on each refresh. */
  readonly serviceUrls: () => readonly string[];
  readonly extraIceServers: () => readonly IceServer[];
  readonly isOnline: (deviceId: string) => boolean;
  /** Ends the connection this side still believes up (the other device says it has none). */
  readonly dropLink: (deviceId: string) => void;
  /** The connection the engine has with a device (open, or being restored), for its ICE restarts. */
  readonly liveSession?: (deviceId: string) => PeerSession | undefined;
  /** A verified session to a remembered device: the engine takes it over. */
  readonly adopt: (session: PeerSession, hello: HelloMessage) => void;
  /** A device in the room did not prove the identity remembered for it. */
  readonly onRefused?: (device: RememberedDevice, reason: ReconnectRefusal) => void;
  readonly createPresence?: (
    url: string,
    signer: PresenceSigner,
    handlers: PresenceHandlers,
  ) => PresenceConnection;
  readonly createSession?: (options: PeerSessionOptions) => PeerSession;
  /** Crypto randomness in [0, 1), for jitter. */
  readonly random?: () => number;
  readonly helloTimeoutMs?: number;
}

const BASE_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;
const DEFAULT_HELLO_TIMEOUT_MS = 15_000;
const CONNECT_TIMEOUT_MS = 20_000;
/** Sent through a room by the answering device to ask the other for an offer. */
const NUDGE: SignalData = { type: 'renegotiate', renegotiate: true };

function cryptoRandom(): number {
  return globalThis.crypto.getRandomValues(new Uint32Array(1))[0]! / 2 ** 32;
}

interface Attempt {
  readonly deviceId: string;
  readonly session: PeerSession;
  readonly connection: PresenceConnection;
  readonly initiator: boolean;
  done: boolean;
  /** The connection's certificates as DTLS negotiated them, once read (see start). */
  view: ConnectionView | null;
  /** The other device's hello, when it came before the view was read. */
  pendingHello: HelloMessage | null;
}

export class Reconnector {
  private readonly connections = new Map<string, PresenceConnection>();
  /** Per remembered device: on which services the other device is in the room now. */
  private readonly presentOn = new Map<string, Set<PresenceConnection>>();
  private readonly attempts = new Map<string, Attempt>();
  private readonly failures = new Map<string, number>();
  private readonly retryTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly iceServersOf = new Map<PresenceConnection, readonly IceServer[]>();
  private watched = new Map<string, string>();
  private disposed = false;

  constructor(private readonly deps: ReconnectorDeps) {}

  /** Brings connections and rooms in line with the services and remembered devices of now. */
  refresh(): void {
    if (this.disposed) return;
    const identity = this.deps.identity();
    const urls = distinctServiceUrls([...this.deps.serviceUrls()]);
    for (const [url, connection] of this.connections) {
      if (urls.includes(url)) continue;
      connection.close();
      this.connections.delete(url);
      for (const present of this.presentOn.values()) present.delete(connection);
    }
    const signer: PresenceSigner = { publicKey: identity.publicKey, sign: (m) => identity.sign(m) };
    for (const url of urls) {
      if (this.connections.has(url)) continue;
      const create = this.deps.createPresence ?? ((u, s, h) => new PresenceConnection(u, s, h));
      const connection: PresenceConnection = create(url, signer, {
        onPeer: (rendezvousId, present, iceServers) =>
          this.peerEvent(connection, rendezvousId, present, iceServers),
        onSignal: (rendezvousId, data, restart) => this.signalEvent(connection, rendezvousId, data, restart),
      });
      this.connections.set(url, connection);
    }
    const devices = this.deps.remembered.list();
    const next = new Map(
      devices.map((device) => [rendezvousIdOf(identity.publicKey, device.publicKey), device.id]),
    );
    // Devices no longer remembered: out of their rooms.
    for (const [rendezvousId, deviceId] of this.watched) {
      if (next.has(rendezvousId)) continue;
      this.stopFor(deviceId);
      for (const connection of this.connections.values()) connection.unwatchRoom(rendezvousId);
    }
    for (const device of devices)
      for (const connection of this.connections.values()) connection.watch(device.publicKey);
    this.watched = next;
  }

  /** The network came back or the page woke: try now instead of waiting out the back-off. */
  wake(): void {
    this.refresh();
    for (const connection of this.connections.values()) connection.wake();
    for (const deviceId of this.presentOn.keys()) {
      this.failures.delete(deviceId);
      this.tryNow(deviceId);
    }
  }

  /**
   * Gives a live connection to a remembered device a rescue route for its ICE restarts: through
   * every service where the other device is in the room now (the other device takes the first copy
   * of each description). Returns what takes the route away again.
   */
  rescue(deviceId: string, session: PeerSession): () => void {
    session.setRescueRoute((data) => {
      const device = this.deps.remembered.get(deviceId);
      if (!device || this.disposed) return;
      const rendezvousId = rendezvousIdOf(this.deps.identity().publicKey, device.publicKey);
      for (const connection of this.presentOn.get(deviceId) ?? []) {
        if (connection.connected) void connection.signal(rendezvousId, data, true);
      }
    });
    return () => session.setRescueRoute(null);
  }

  /** The live connection to a device ended: meet again if the other device is still around. */
  linkDown(deviceId: string): void {
    this.scheduleRetry(deviceId, false);
  }

  dispose(): void {
    this.disposed = true;
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    for (const attempt of this.attempts.values()) attempt.session.close();
    for (const connection of this.connections.values()) connection.close();
    this.connections.clear();
  }

  private stopFor(deviceId: string): void {
    const timer = this.retryTimers.get(deviceId);
    if (timer) clearTimeout(timer);
    this.retryTimers.delete(deviceId);
    this.presentOn.delete(deviceId);
    this.failures.delete(deviceId);
    const attempt = this.attempts.get(deviceId);
    this.attempts.delete(deviceId);
    attempt?.session.close();
  }

  private deviceOf(rendezvousId: string): RememberedDevice | undefined {
    const deviceId = this.watched.get(rendezvousId);
    return deviceId === undefined ? undefined : this.deps.remembered.get(deviceId);
  }

  private peerEvent(
    connection: PresenceConnection,
    rendezvousId: string,
    present: boolean,
    iceServers: readonly IceServer[],
  ): void {
    const device = this.deviceOf(rendezvousId);
    if (!device) return;
    this.iceServersOf.set(connection, iceServers);
    let where = this.presentOn.get(device.id);
    if (!where) this.presentOn.set(device.id, (where = new Set()));
    if (present) {
      where.add(connection);
      // It came (back) into the room: a fresh start for the back-off.
      this.failures.delete(device.id);
      // A connection being restored: what it sent before the other device came back is lost.
      const live = this.deps.liveSession?.(device.id);
      if (live?.isReconnecting) live.restartNow();
      this.tryNow(device.id);
    } else {
      where.delete(connection);
    }
  }

  /**
   * Makes the offer now if this device is the one to make it and nothing is under way; the other
   * device asks for one instead (a nudge), since the offering side may not know yet that the old
   * connection is gone (a connection closed on one side only can look up on the other for long).
   */
  private tryNow(deviceId: string): void {
    if (this.disposed || this.deps.isOnline(deviceId) || this.attempts.has(deviceId)) return;
    const device = this.deps.remembered.get(deviceId);
    const connection = [...(this.presentOn.get(deviceId) ?? [])].find((c) => c.connected);
    if (!device || !connection) return;
    if (makesTheOffer(this.deps.identity().publicKey, device.publicKey)) {
      this.start(device, connection, true);
      return;
    }
    void connection.signal(rendezvousIdOf(this.deps.identity().publicKey, device.publicKey), NUDGE);
    // Asked again, backing off, until an offer comes.
    this.scheduleRetry(deviceId, true);
  }

  private signalEvent(
    connection: PresenceConnection,
    rendezvousId: string,
    data: SignalData,
    restart: boolean,
  ): void {
    const device = this.deviceOf(rendezvousId);
    if (!device) return;
    if (restart) {
      // For the connection the engine has (a late one, for a connection already gone, is dropped:
      // the other side's own connection then fails and the two meet again as below).
      this.deps.liveSession?.(device.id)?.applySignal(data);
      return;
    }
    const attempt = this.attempts.get(device.id);
    if (attempt && attempt.connection === connection && !attempt.done) {
      attempt.session.applySignal(data);
      return;
    }
    if (data.type === 'renegotiate') {
      // A nudge: the other device has no connection with this one and asks for an offer.
      if (!makesTheOffer(this.deps.identity().publicKey, device.publicKey) || attempt) return;
      if (this.deps.isOnline(device.id)) this.deps.dropLink(device.id);
      this.start(device, connection, true);
      return;
    }
    // A new offer: the other device starts over (it reloaded, or its last attempt failed), even if
    // this side still believes an older connection is up.
    if (data.type !== 'offer' || makesTheOffer(this.deps.identity().publicKey, device.publicKey)) return;
    if (attempt) {
      this.attempts.delete(device.id);
      attempt.session.close();
    }
    this.start(device, connection, false).applySignal(data);
  }

  private start(device: RememberedDevice, connection: PresenceConnection, initiator: boolean): PeerSession {
    const identity = this.deps.identity();
    const create = this.deps.createSession ?? ((options) => new PeerSession(options));
    const rendezvousId = rendezvousIdOf(identity.publicKey, device.publicKey);
    const session = create({
      initiator,
      iceServers: [...(this.iceServersOf.get(connection) ?? []), ...this.deps.extraIceServers()],
      ...(identity.certificate ? { certificates: [identity.certificate] } : {}),
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      sendViaSignaling: (data) => void connection.signal(rendezvousId, data),
    });
    const attempt: Attempt = {
      deviceId: device.id,
      session,
      connection,
      initiator,
      done: false,
      view: null,
      pendingHello: null,
    };
    this.attempts.set(device.id, attempt);
    let helloTimer: ReturnType<typeof setTimeout> | null = null;
    const end = (succeeded: boolean) => {
      if (attempt.done) return;
      attempt.done = true;
      if (helloTimer) clearTimeout(helloTimer);
      if (this.attempts.get(device.id) === attempt) this.attempts.delete(device.id);
      if (!succeeded) {
        session.close();
        this.scheduleRetry(device.id, true);
      }
    };
    const heard = (hello: HelloMessage, view: ConnectionView) => {
      const refusal = this.checkHello(device, session, hello, view);
      if (refusal) {
        session.send({ type: 'peer:error', code: 'IDENTITY_REFUSED' });
        this.deps.onRefused?.(device, refusal);
        return end(false);
      }
      if (initiator) this.sendHello(session);
      end(true);
      this.failures.delete(device.id);
      this.deps.adopt(session, hello);
    };
    session.on('open', () => {
      helloTimer = setTimeout(() => end(false), this.deps.helloTimeoutMs ?? DEFAULT_HELLO_TIMEOUT_MS);
      // The certificates DTLS negotiated (descriptions cross-checked with getStats) are read before
      // any hello is sent or judged. The answering side then speaks first, as the joiner does at
      // pairing: a device only sends once it has heard from the other, so nothing races the other
      // side's channel set-up, and the hello a side judges never waits behind lines sent after it.
      void readConnectionView(session.connection).then((view) => {
        if (attempt.done) return;
        if (!view) return end(false);
        attempt.view = view;
        if (!initiator) this.sendHello(session);
        const early = attempt.pendingHello;
        attempt.pendingHello = null;
        if (early) heard(early, view);
      });
    });
    session.on('message', (message) => {
      if (message.type === 'peer:error' && message.code === 'IDENTITY_REFUSED') return end(false);
      if (message.type !== 'hello' || attempt.done) return;
      if (attempt.view) heard(message, attempt.view);
      else attempt.pendingHello ??= message;
    });
    session.on('end', () => end(false));
    return session;
  }

  private sendHello(session: PeerSession): void {
    const identity = this.deps.identity();
    const fingerprints = connectionFingerprints(session.connection);
    if (!fingerprints) return;
    session.send({
      type: 'hello',
      ...helloIdentity(identity, fingerprints),
      deviceName: identity.deviceName,
      appVersion: identity.appVersion,
    });
  }

  /**
   * The other end must be the remembered device: its key (and so its id), proven over this
   * connection's fingerprints. The certificate DTLS negotiated must be the pinned one, literally;
   * another one only with rotation statements that lead from the pinned fingerprint to it, each
   * signed by the pinned key (certificates are renewed yearly with the same key, and the device
   * signs the change when it makes the new one: docs/device-identity.md). The engine then pins the
   * new one (RememberedDevices.remember records the change).
   */
  private checkHello(
    remembered: RememberedDevice,
    session: PeerSession,
    hello: HelloMessage,
    view: ConnectionView,
  ): ReconnectRefusal | null {
    // The record as it is now, not as it was when the attempt began (a pin may have moved since).
    const device = this.deps.remembered.get(remembered.id);
    if (!device) return 'identity-refused';
    if (hello.deviceId !== device.id || hello.publicKey !== device.publicKey) return 'identity-refused';
    const fingerprints = connectionFingerprints(session.connection);
    // What DTLS negotiated (SHA-256, the only algorithm a hello names) is what the hello is checked on.
    if (
      !fingerprints ||
      view.remote !== `sha-256 ${fingerprints.remote}` ||
      view.local !== `sha-256 ${fingerprints.local}`
    )
      return 'identity-refused';
    if (checkPeerHello(hello, fingerprints) !== null) return 'identity-refused';
    if (fingerprints.remote === device.certificateFingerprint) return null;
    const rotations = hello.certificateRotations ?? [];
    return followRotations(device.certificateFingerprint, fingerprints.remote, rotations, device.publicKey)
      ? null
      : 'certificate-changed';
  }

  private scheduleRetry(deviceId: string, failed: boolean): void {
    if (this.disposed || this.retryTimers.has(deviceId)) return;
    if (!this.deps.remembered.has(deviceId)) return;
    const failures = failed ? (this.failures.get(deviceId) ?? 0) + 1 : 0;
    this.failures.set(deviceId, failures);
    const base = Math.min(MAX_RETRY_MS, BASE_RETRY_MS * 2 ** failures);
    // ±50 % jitter, so devices that lost the same service do not come back in step.
    const delay = base * (0.5 + (this.deps.random ?? cryptoRandom)());
    this.retryTimers.set(
      deviceId,
      setTimeout(() => {
        this.retryTimers.delete(deviceId);
        this.tryNow(deviceId);
      }, delay),
    );
  }
}
