/**
 * Test-only: the WebRTC half of a machine in the middle, run by a hostile signaling service in the
 * test process (signaling/src/testing/hostile-signaling.ts). It answers the opener's offer with a
 * peer connection of its own, offers the joiner another, and bridges the two `ferry-control`
 * channels, recording whatever crosses them: both devices would negotiate DTLS with it, not with
 * each other, if they applied its descriptions.
 *
 * It speaks simple-peer's signal format ({type, sdp} and {type: 'candidate', candidate}) over
 * @roamhq/wrtc directly: simple-peer itself would load `webrtc-polyfill` (node-datachannel, whose
 * native part is not built here), and the Node tier's alias for it is vitest's, not Playwright's.
 */
import wrtc from '@roamhq/wrtc';
import type { HostileHooks } from '../../signaling/src/testing/hostile-signaling';

const CONTROL_CHANNEL = 'ferry-control';

interface SignalLike {
  readonly type?: unknown;
  readonly sdp?: unknown;
  readonly candidate?: unknown;
}

/** What the middle saw: every data channel message, and how far each of its connections got. */
export interface MiddleRecord {
  readonly heard: string[];
  /** connectionState changes of the connection towards each device. */
  readonly states: { readonly opener: string[]; readonly joiner: string[] };
  /** Descriptions the middle sent to each device (each with the middle's own fingerprint). */
  readonly sentDescriptions: { readonly opener: number; readonly joiner: number };
}

export interface WebRtcMiddle {
  readonly hooks: HostileHooks;
  readonly record: MiddleRecord;
  close(): void;
}

function isPake(data: unknown): boolean {
  return typeof data === 'object' && data !== null && String((data as SignalLike).type).startsWith('pake:');
}

class MiddlePeer {
  readonly pc: RTCPeerConnection;
  channel: RTCDataChannel | null = null;
  private readonly pendingCandidates: RTCIceCandidateInit[] = [];

  constructor(
    initiator: boolean,
    private readonly send: (signal: unknown) => void,
    onMessage: (data: string | ArrayBuffer) => void,
    onState: (state: string) => void,
  ) {
    this.pc = new wrtc.RTCPeerConnection({ iceServers: [] }) as unknown as RTCPeerConnection;
    this.pc.onicecandidate = (event) => {
      const found = event.candidate;
      if (!found) return;
      this.send({
        type: 'candidate',
        candidate: { candidate: found.candidate, sdpMid: found.sdpMid, sdpMLineIndex: found.sdpMLineIndex },
      });
    };
    this.pc.onconnectionstatechange = () => onState(this.pc.connectionState);
    const attach = (channel: RTCDataChannel) => {
      this.channel = channel;
      channel.binaryType = 'arraybuffer';
      channel.onmessage = (event: MessageEvent<string | ArrayBuffer>) => onMessage(event.data);
    };
    this.pc.ondatachannel = (event) => attach(event.channel);
    if (initiator) {
      attach(this.pc.createDataChannel(CONTROL_CHANNEL));
      void this.describe(() => this.pc.createOffer());
    }
  }

  async signal(data: SignalLike): Promise<void> {
    if (data.type === 'offer' || data.type === 'answer') {
      await this.pc.setRemoteDescription({ type: data.type, sdp: String(data.sdp) });
      for (const candidate of this.pendingCandidates.splice(0)) await this.pc.addIceCandidate(candidate);
      if (data.type === 'offer') await this.describe(() => this.pc.createAnswer());
    } else if (data.type === 'candidate' && typeof data.candidate === 'object' && data.candidate) {
      const candidate = data.candidate as RTCIceCandidateInit;
      if (this.pc.remoteDescription) await this.pc.addIceCandidate(candidate);
      else this.pendingCandidates.push(candidate);
    }
  }

  private async describe(make: () => Promise<RTCSessionDescriptionInit>): Promise<void> {
    const description = await make();
    await this.pc.setLocalDescription(description);
    this.send({ type: description.type, sdp: description.sdp });
  }

  close(): void {
    this.pc.close();
  }
}

/**
 * The PAKE messages pass (the middle cannot forge them); every other signal is answered by the
 * middle's own peers, never forwarded.
 */
export function webRtcMiddle(): WebRtcMiddle {
  const record = {
    heard: [] as string[],
    states: { opener: [] as string[], joiner: [] as string[] },
    sentDescriptions: { opener: 0, joiner: 0 },
  };
  let towardsOpener: MiddlePeer | null = null;
  let towardsJoiner: MiddlePeer | null = null;
  const relayTo = (other: () => MiddlePeer | null) => (data: string | ArrayBuffer) => {
    record.heard.push(typeof data === 'string' ? data : new TextDecoder().decode(data));
    const channel = other()?.channel;
    if (channel?.readyState === 'open') channel.send(data as string);
  };
  const hooks: HostileHooks = {
    relay: (from, data, inject) => {
      if (isPake(data)) return data;
      const sendTo = (to: 'opener' | 'joiner') => (signal: unknown) => {
        if ((signal as SignalLike).sdp !== undefined) record.sentDescriptions[to] += 1;
        inject.send(to, signal);
      };
      if (from === 'opener') {
        towardsOpener ??= new MiddlePeer(
          false,
          sendTo('opener'),
          relayTo(() => towardsJoiner),
          (s) => record.states.opener.push(s),
        );
        towardsJoiner ??= new MiddlePeer(
          true,
          sendTo('joiner'),
          relayTo(() => towardsOpener),
          (s) => record.states.joiner.push(s),
        );
        void towardsOpener.signal(data as SignalLike).catch(() => undefined);
      } else {
        void towardsJoiner?.signal(data as SignalLike).catch(() => undefined);
      }
      return null;
    },
  };
  return {
    hooks,
    record,
    close: () => {
      towardsOpener?.close();
      towardsJoiner?.close();
    },
  };
}
