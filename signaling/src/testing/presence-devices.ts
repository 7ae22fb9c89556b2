/** Devices with real Ed25519 keys, entering presence rooms the way a Ferry client does. */
import { ed25519 } from '@noble/curves/ed25519.js';
import { encodeBase64Url } from '../../../contracts/device-identity';
import { presenceProofPayload, rendezvousIdOf } from '../../../contracts/presence';
import { valueOf, type TestClient } from './signaling-clients';

export interface TestDevice {
  readonly publicKey: string;
  sign(message: Uint8Array): string;
}

export function testDevice(): TestDevice {
  const secret = ed25519.utils.randomSecretKey();
  return {
    publicKey: encodeBase64Url(ed25519.getPublicKey(secret)),
    sign: (message) => encodeBase64Url(ed25519.sign(message, secret)),
  };
}

/**
 * Asks for this connection's challenge and enters the room of `self` and `peer`, signed by
 * `signer` (another device's key, to play an impostor).
 */
export async function joinPresence(
  socket: TestClient,
  self: TestDevice,
  peer: TestDevice,
  signer: TestDevice = self,
) {
  const { challenge } = valueOf(await socket.emitWithAck('presence:challenge', {}));
  const rendezvousId = rendezvousIdOf(self.publicKey, peer.publicKey);
  return socket.emitWithAck('presence:join', {
    publicKey: self.publicKey,
    peerPublicKey: peer.publicKey,
    signature: signer.sign(presenceProofPayload(challenge, rendezvousId)),
  });
}
