/**
 * Test-only stand-in for the `webrtc-polyfill` module that simple-peer imports: in Node (vitest)
 * it gives simple-peer the WebRTC implementation of @roamhq/wrtc, so the real engine and
 * simple-peer run unmodified in the fast tier. Browsers never load this file.
 */
import wrtc from '@roamhq/wrtc';

export const RTCPeerConnection = wrtc.RTCPeerConnection;
export const RTCSessionDescription = wrtc.RTCSessionDescription;
export const RTCIceCandidate = wrtc.RTCIceCandidate;
export default wrtc;
