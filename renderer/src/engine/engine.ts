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
import { randomId } from './random-id';
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
  readonly createSignaling?: PairingAttemptDeps['createSignaling'];
  readonly createSession?: PairingAttemptDeps['createSession'];
}

/** A paired device while its connection is up. */
interface DeviceLink {
  readonly session: PeerSession;
  /** Outgoing chat lines not yet acknowledged, kept so they can be marked failed if the link drops. */
  readonly unacked: Set<string>;
  /** Ids already shown, so a resent line is acknowledged again but not shown twice. */
  readonly seen: Set<string>;
}

/** Lets a feature (transfers, calls) see a device's link come up and its control messages. */
export interface LinkObserver {
  linkUp?(deviceId: string, session: PeerSession): void;
  message?(deviceId: string, message: PeerMessage, session: PeerSession): void;
  linkDown?(deviceId: string): void;
}

export type SendChatOutcome = 'sent' | 'offline' | 'empty' | 'too-long';

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

  constructor(private readonly deps: EngineDeps) {
    this.now = deps.now ?? Date.now;
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
    if (!link?.session.isOpen) {
      this.deps.actions.chatStatus(deviceId, line.id, 'failed');
      return 'offline';
    }
    link.unacked.add(line.id);
    if (!link.session.send({ type: 'chat', ...line })) {
      link.unacked.delete(line.id);
      this.deps.actions.chatStatus(deviceId, line.id, 'failed');
      return 'offline';
    }
    return 'sent';
  }

  /** Takes over the session of a successful pairing as this device's link. */
  private adopt(session: PeerSession, hello: HelloMessage): void {
    const deviceId = hello.deviceId;
    // The same device paired again (e.g. after it reloaded): the new connection replaces the old.
    this.links.get(deviceId)?.session.close();
    const link: DeviceLink = { session, unacked: new Set(), seen: new Set() };
    this.links.set(deviceId, link);
    session.on('message', (message) => this.handleMessage(deviceId, link, message));
    session.on('end', () => {
      for (const id of link.unacked) this.deps.actions.chatStatus(deviceId, id, 'failed');
      link.unacked.clear();
      if (this.links.get(deviceId) === link) {
        this.links.delete(deviceId);
        this.deps.actions.peerOffline(deviceId);
        for (const observer of this.observers) observer.linkDown?.(deviceId);
      }
    });
    this.deps.actions.peerOnline({ id: deviceId, name: hello.deviceName, appVersion: hello.appVersion });
    for (const observer of this.observers) observer.linkUp?.(deviceId, session);
  }

  private handleMessage(deviceId: string, link: DeviceLink, message: PeerMessage): void {
    for (const observer of this.observers) observer.message?.(deviceId, message, link.session);
    switch (message.type) {
      case 'chat': {
        link.session.send({ type: 'chat:ack', id: message.id });
        if (link.seen.has(message.id)) return;
        link.seen.add(message.id);
        this.deps.actions.chatIncoming(deviceId, {
          id: message.id,
          text: message.text,
          sentAt: message.sentAt,
        });
        return;
      }
      case 'chat:ack':
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
