/**
 * The P2P engine: pairing attempts, one session per paired device, and chat over the control
 * channel. It reports through `EngineActions` and knows nothing of React.
 */
import { parseCode } from '../../../contracts/pairing-code';
import { MAX_CHAT_TEXT_LENGTH, type HelloMessage, type PeerMessage } from '../../../contracts/peer-protocol';
import type { IceServer } from '../../../contracts/signaling';
import type { ChatLine, EngineActions } from './engine-actions';
import { connectionFingerprints, helloIdentity } from './identity/connection-identity';
import { PairingAttempt, type LocalIdentity, type PairingAttemptDeps } from './pairing-attempt';
import { pairingFailureFromCode } from './pairing-errors';
import type { PeerSession } from './peer-session';
import { Reconnector, type ReconnectRefusal } from './presence/reconnector';
import { randomId } from './random-id';
import type { RememberedDevice } from './remembered/device-book';
import type { RememberedDevices } from './remembered/remembered-devices';
import { distinctServiceUrls, findRendezvous, type LookupNameplate } from './rendezvous';
import { SignalingConnection } from './signaling-client';

/** A nearby device that left the network without a goodbye must not hold up a code for long. */
const LOOKUP_TIMEOUT_MS = 4_000;

export interface EngineDeps {
  readonly actions: EngineActions;
  readonly identity: () => LocalIdentity;
  readonly signalingUrl: () => string;
  /** Services where a code this device shows is opened as well (see SignalingConnectionOptions). */
  readonly mirrorSignalingUrls?: () => readonly string[];
  readonly extraIceServers: () => readonly IceServer[];
  /**
   * The signaling services of nearby Ferry devices (found by the desktop's DNS-SD discovery): a
   * code entered here may have been opened on one of them rather than on `signalingUrl`.
   */
  readonly nearbyServiceUrls?: () => readonly string[];
  /** How a code is looked up on a service; a short-lived signaling connection by default. */
  readonly lookupNameplate?: LookupNameplate;
  readonly now?: () => number;
  /**
   * The remembered devices: kept after pairing, found again through presence without a code, and
   * written to while offline (the outbox). Without it devices are forgotten when Ferry closes.
   */
  readonly remembered?: RememberedDevices;
  /** A remembered device came back without proving the identity remembered for it. */
  readonly onReconnectRefused?: (device: RememberedDevice, reason: ReconnectRefusal) => void;
  /** Test seam: how the reconnector is made. */
  readonly createReconnector?: (deps: ConstructorParameters<typeof Reconnector>[0]) => Reconnector;
  readonly createSignaling?: PairingAttemptDeps['createSignaling'];
  readonly createSession?: PairingAttemptDeps['createSession'];
}

/** A paired device while its connection is up. */
interface DeviceLink {
  readonly session: PeerSession;
  /** Outgoing chat lines not yet acknowledged, kept so they can be marked failed if the link drops. */
  readonly unacked: Set<string>;
}

/** Incoming line ids remembered per device for dropping repeats (an outbox resent after a cut). */
const SEEN_IDS_KEPT = 2_000;

/** Lets a feature (transfers, calls) see a device's link come up and its control messages. */
export interface LinkObserver {
  linkUp?(deviceId: string, session: PeerSession): void;
  message?(deviceId: string, message: PeerMessage, session: PeerSession): void;
  linkDown?(deviceId: string): void;
}

/** `queued`: the device is remembered but offline; the line waits in the outbox. */
export type SendChatOutcome = 'sent' | 'queued' | 'offline' | 'empty' | 'too-long';

export interface EnterCodeOptions {
  /** Services to look the code up on before any other (a nearby device the person chose). */
  readonly preferredServiceUrls?: readonly string[];
}

export class FerryEngine {
  private attempt: PairingAttempt | null = null;
  /** Bumped whenever a pairing starts or is cancelled, so a lookup that finishes late is dropped. */
  private pairingGeneration = 0;
  private readonly links = new Map<string, DeviceLink>();
  private readonly now: () => number;
  private readonly observers = new Set<LinkObserver>();
  /** Ids of lines already shown, per device, across connections. */
  private readonly seen = new Map<string, Set<string>>();
  private readonly reconnector: Reconnector | null;

  constructor(private readonly deps: EngineDeps) {
    this.now = deps.now ?? Date.now;
    const remembered = deps.remembered;
    this.reconnector = remembered
      ? (deps.createReconnector ?? ((d) => new Reconnector(d)))({
          identity: deps.identity,
          remembered,
          serviceUrls: () => [
            deps.signalingUrl(),
            ...(deps.mirrorSignalingUrls?.() ?? []),
            ...(deps.nearbyServiceUrls?.() ?? []),
          ],
          extraIceServers: deps.extraIceServers,
          isOnline: (deviceId) => this.isOnline(deviceId),
          dropLink: (deviceId) => this.links.get(deviceId)?.session.close('connection-lost'),
          liveSession: (deviceId) => this.links.get(deviceId)?.session,
          adopt: (session, hello) => this.adopt(session, hello),
          ...(deps.onReconnectRefused ? { onRefused: deps.onReconnectRefused } : {}),
          ...(deps.createSession ? { createSession: deps.createSession } : {}),
        })
      : null;
  }

  /**
   * Starts looking for the remembered devices on every reachable service, and keeps looking: call
   * once the remembered devices are loaded, and again (`refreshPresence`) when services change.
   */
  startReconnecting(): void {
    this.refreshPresence();
    this.deps.remembered?.subscribe(() => this.refreshPresence());
  }

  /** The services to look on may have changed (settings, nearby devices): join or leave them. */
  refreshPresence(): void {
    this.reconnector?.refresh();
  }

  /** The network came back or the page woke up: look for remembered devices, and restart, now. */
  wake(): void {
    this.reconnector?.wake();
    for (const link of this.links.values()) link.session.restartNow();
  }

  /** Forgets a remembered device: it is disconnected and needs a new code to come back. */
  async forget(deviceId: string): Promise<void> {
    this.links.get(deviceId)?.session.close();
    this.seen.delete(deviceId);
    await this.deps.remembered?.forget(deviceId);
  }

  /** This person's own name for a remembered device (empty: its own name again). */
  rename(deviceId: string, alias: string): void {
    this.deps.remembered?.rename(deviceId, alias);
  }

  /** "Show my code": opens a code on the service and waits for the other device. */
  showMyCode(): void {
    void this.newAttempt().open();
  }

  /**
   * "Enter a code": accepts what a person typed (case, spaces and dashes don't matter). With nearby
   * services known, the code is first looked up on all of them and the configured one at once,
   * and joined where it is held.
   */
  enterCode(input: string, options: EnterCodeOptions = {}): void {
    const parsed = parseCode(input);
    if (!parsed.ok) {
      this.cancelPairing();
      this.deps.actions.setPairing({ phase: 'failed', reason: 'code-malformed' });
      return;
    }
    const code = parsed.code;
    const preferred = distinctServiceUrls(options.preferredServiceUrls ?? []);
    const others = distinctServiceUrls([
      this.deps.signalingUrl(),
      // This machine's own service beside an internet one: a device on this network may have
      // opened the code only there.
      ...(this.deps.mirrorSignalingUrls?.() ?? []),
      ...(this.deps.nearbyServiceUrls?.() ?? []),
    ]);
    const all = distinctServiceUrls([...preferred, ...others]);
    // One place to ask: joining there directly answers the same question one round trip sooner.
    if (all.length <= 1) {
      void this.newAttempt(all[0] ?? this.deps.signalingUrl()).join(code);
      return;
    }
    this.attempt?.cancel();
    this.attempt = null;
    const generation = ++this.pairingGeneration;
    this.deps.actions.setPairing({ phase: 'checking-code' });
    const lookup = this.deps.lookupNameplate ?? lookupOverSignaling;
    void findRendezvous(code.nameplate, { preferred, others }, lookup).then((found) => {
      if (generation !== this.pairingGeneration) return;
      if (!found.ok) {
        this.deps.actions.setPairing({ phase: 'failed', reason: pairingFailureFromCode(found.code) });
        return;
      }
      void this.newAttempt(found.url).join(code);
    });
  }

  cancelPairing(): void {
    this.pairingGeneration += 1;
    this.attempt?.cancel();
    this.attempt = null;
    this.deps.actions.setPairing({ phase: 'idle' });
  }

  isOnline(deviceId: string): boolean {
    return this.links.get(deviceId)?.session.isOpen ?? false;
  }

  sendChat(deviceId: string, text: string): SendChatOutcome {
    const trimmed = text.trim();
    if (trimmed.length === 0) return 'empty';
    if (trimmed.length > MAX_CHAT_TEXT_LENGTH) return 'too-long';
    const line: ChatLine = { id: randomId(), text: trimmed, sentAt: this.now() };
    this.deps.actions.chatOutgoing(deviceId, line);
    // Kept until the device acknowledges it, so a cut or a restart never loses it.
    this.deps.remembered?.enqueue(deviceId, line);
    return this.transmit(deviceId, line);
  }

  /** Sends a line that was not delivered again, under the same id. */
  resendChat(deviceId: string, line: ChatLine): SendChatOutcome {
    this.deps.actions.chatStatus(deviceId, line.id, 'sending');
    return this.transmit(deviceId, line);
  }

  /** The live session with a device, if it is online. */
  session(deviceId: string): PeerSession | undefined {
    const session = this.links.get(deviceId)?.session;
    return session?.isOpen ? session : undefined;
  }

  /**
   * This device's name changed: say hello again on every live connection, so that connected
   * devices show the new name at once (later connections send it anyway).
   */
  announceIdentity(): void {
    const identity = this.deps.identity();
    for (const link of this.links.values()) {
      const fingerprints = connectionFingerprints(link.session.connection);
      if (!fingerprints) continue;
      link.session.send({
        type: 'hello',
        ...helloIdentity(identity, fingerprints),
        deviceName: identity.deviceName,
        appVersion: identity.appVersion,
      });
    }
  }

  observe(observer: LinkObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  disconnect(deviceId: string): void {
    this.links.get(deviceId)?.session.close();
  }

  dispose(): void {
    this.reconnector?.dispose();
    this.attempt?.cancel('closed');
    for (const link of this.links.values()) link.session.close();
  }

  private newAttempt(signalingUrl = this.deps.signalingUrl()): PairingAttempt {
    this.pairingGeneration += 1;
    this.attempt?.cancel();
    const attempt = new PairingAttempt({
      signalingUrl,
      mirrorSignalingUrls: this.deps.mirrorSignalingUrls?.() ?? [],
      identity: this.deps.identity(),
      extraIceServers: this.deps.extraIceServers(),
      onProgress: (progress) => {
        if (this.attempt === attempt) this.deps.actions.setPairing(progress);
      },
      onPaired: (session, hello) => this.adopt(session, hello),
      ...(this.deps.createSignaling ? { createSignaling: this.deps.createSignaling } : {}),
      ...(this.deps.createSession ? { createSession: this.deps.createSession } : {}),
    });
    this.attempt = attempt;
    return attempt;
  }

  private transmit(deviceId: string, line: ChatLine): SendChatOutcome {
    const link = this.links.get(deviceId);
    if (link?.session.isOpen) {
      link.unacked.add(line.id);
      if (link.session.send({ type: 'chat', ...line })) return 'sent';
      link.unacked.delete(line.id);
    }
    if (this.deps.remembered?.outbox(deviceId).some((entry) => entry.id === line.id)) {
      this.deps.actions.chatStatus(deviceId, line.id, 'waiting');
      return 'queued';
    }
    this.deps.actions.chatStatus(deviceId, line.id, 'failed');
    return 'offline';
  }

  /** Sends what waited for the device, in the order it was written. */
  private flushOutbox(deviceId: string): void {
    for (const entry of this.deps.remembered?.outbox(deviceId) ?? []) {
      this.deps.actions.chatStatus(deviceId, entry.id, 'sending');
      this.transmit(deviceId, { id: entry.id, text: entry.text, sentAt: entry.sentAt });
    }
  }

  /** Whether a line with this id from the device was shown already (and notes it if not). */
  private alreadySeen(deviceId: string, id: string): boolean {
    let ids = this.seen.get(deviceId);
    if (!ids) this.seen.set(deviceId, (ids = new Set()));
    if (ids.has(id)) return true;
    ids.add(id);
    if (ids.size > SEEN_IDS_KEPT) ids.delete(ids.values().next().value as string);
    return false;
  }

  /** Takes over the session of a successful pairing as this device's link. */
  private adopt(session: PeerSession, hello: HelloMessage): void {
    const deviceId = hello.deviceId;
    // The same device paired again (e.g. after it reloaded): the new connection replaces the old.
    this.links.get(deviceId)?.session.close();
    const link: DeviceLink = { session, unacked: new Set() };
    this.links.set(deviceId, link);
    const remembered = this.deps.remembered;
    remembered?.remember(hello);
    session.on('message', (message) => this.handleMessage(deviceId, link, message));
    // The path dropped: ICE restarts go over the channel and through the presence room.
    const stopRescue = this.reconnector?.rescue(deviceId, session);
    session.on('reconnecting', (reconnecting) => {
      if (this.links.get(deviceId) === link) this.deps.actions.peerReconnecting(deviceId, reconnecting);
    });
    session.on('end', () => {
      stopRescue?.();
      for (const id of link.unacked) {
        // A remembered device gets it when it is back (the outbox still holds it).
        const waits = remembered?.outbox(deviceId).some((entry) => entry.id === id) ?? false;
        this.deps.actions.chatStatus(deviceId, id, waits ? 'waiting' : 'failed');
      }
      link.unacked.clear();
      if (this.links.get(deviceId) === link) {
        this.links.delete(deviceId);
        remembered?.seen(deviceId);
        this.deps.actions.peerReconnecting(deviceId, false);
        this.deps.actions.peerOffline(deviceId);
        for (const observer of this.observers) observer.linkDown?.(deviceId);
        this.reconnector?.linkDown(deviceId);
      }
    });
    this.deps.actions.peerOnline({ id: deviceId, name: hello.deviceName, appVersion: hello.appVersion });
    for (const observer of this.observers) observer.linkUp?.(deviceId, session);
    this.flushOutbox(deviceId);
  }

  private handleMessage(deviceId: string, link: DeviceLink, message: PeerMessage): void {
    for (const observer of this.observers) observer.message?.(deviceId, message, link.session);
    switch (message.type) {
      case 'chat': {
        link.session.send({ type: 'chat:ack', id: message.id });
        if (this.alreadySeen(deviceId, message.id)) return;
        this.deps.actions.chatIncoming(deviceId, {
          id: message.id,
          text: message.text,
          sentAt: message.sentAt,
        });
        return;
      }
      case 'chat:ack':
        this.deps.remembered?.delivered(deviceId, message.id);
        if (link.unacked.delete(message.id)) this.deps.actions.chatStatus(deviceId, message.id, 'delivered');
        return;
      case 'hello':
        // A renamed device says hello again; the rest of the identity cannot change mid-session.
        if (message.deviceId === deviceId) {
          this.deps.actions.peerOnline({
            id: deviceId,
            name: message.deviceName,
            appVersion: message.appVersion,
          });
        }
        return;
      case 'peer:error':
      case 'peer:signal':
      case 'peer:bye':
        return;
    }
  }
}

/** Asks one service over a connection of its own, closed as soon as it answers. */
const lookupOverSignaling: LookupNameplate = async (url, nameplate) => {
  const connection = new SignalingConnection(url, {});
  try {
    return await connection.lookup(nameplate, LOOKUP_TIMEOUT_MS);
  } finally {
    connection.close();
  }
};
