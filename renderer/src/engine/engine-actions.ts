/**
 * What the P2P engine reports. The UI's store implements this; the engine never imports React or
 * the store, so it could run headless (tests do exactly that).
 */
export type PairingFailure =
  | 'code-malformed'
  | 'code-not-found'
  | 'code-expired'
  | 'code-used'
  | 'pair-full'
  | 'code-mismatch'
  /** The connection's DTLS identities do not match what the PAKE authenticated: someone is in the middle. */
  | 'intercepted'
  | 'no-path' // no TURN relay was configured: one would help
  | 'no-path-relay' // not even through the configured relay
  | 'service-unreachable'
  | 'peer-left' // the other device went away without a word (crash, lost network)
  | 'peer-cancelled'
  | 'peer-closed-app'
  | 'rate-limited'
  | 'incompatible'
  /** The other device did not prove the identity it claims (its key, its certificate). */
  | 'identity-refused'
  | 'internal';

/**
 * What the connection is trying while it is being made, from its ICE candidate-pair statistics:
 * still exchanging network addresses, checking direct paths (host or server-reflexive candidates),
 * or only the TURN relay left.
 */
export type ConnectStep = 'addresses' | 'direct' | 'relay';

export type PairingProgress =
  | { readonly phase: 'idle' }
  | { readonly phase: 'opening' }
  | { readonly phase: 'showing-code'; readonly code: string; readonly expiresAt: number }
  | { readonly phase: 'checking-code' }
  | { readonly phase: 'connecting'; readonly trying?: ConnectStep }
  | {
      readonly phase: 'connected';
      readonly peerId: string;
      readonly peerName: string;
      /** Derived from the pairing's key: the same on both devices unless someone is in the middle. */
      readonly verificationPhrase: string;
    }
  | { readonly phase: 'failed'; readonly reason: PairingFailure }
  | { readonly phase: 'expired' };

export interface RemoteDevice {
  readonly id: string;
  readonly name: string;
  readonly appVersion: string;
}

/** `waiting`: written to a remembered device while it is offline; goes out when it is back. */
export type OutgoingChatStatus = 'waiting' | 'sending' | 'delivered' | 'failed';

export interface ChatLine {
  readonly id: string;
  readonly text: string;
  readonly sentAt: number;
}

export interface EngineActions {
  setPairing(progress: PairingProgress): void;
  peerOnline(device: RemoteDevice): void;
  peerOffline(deviceId: string): void;
  /** The connection to an online device dropped and is being restored (true), or is back (false). */
  peerReconnecting(deviceId: string, reconnecting: boolean): void;
  chatOutgoing(deviceId: string, line: ChatLine): void;
  chatStatus(deviceId: string, messageId: string, status: OutgoingChatStatus): void;
  chatIncoming(deviceId: string, line: ChatLine): void;
}
