/**
 * Voice calls between two Ferry peers: control messages on the control channel, part of
 * `peerMessageSchema`. Audio itself travels as an RTP track on the same peer connection; adding
 * and removing that track is ordinary renegotiation (`peer:signal`), so nothing here depends on
 * the signaling service.
 *
 * A call, from the caller's side:
 *   invite → the callee rings
 *   → accept (the callee's microphone opens only now) | decline (busy when already in a call)
 *     | the caller's cancel (gave up, or the ring timed out: the callee records a missed call)
 *   → both add their microphone track; audio flows
 *   → end, from either side. A connection that drops ends the call without a message.
 * Every message carries the call's id; a message for a call that is not the current one is
 * ignored, so a late message can never end the next call.
 */
import { z } from 'zod';

/** PEER_PROTOCOL_VERSION: peer-protocol.ts imports this file, so the literal is repeated here (a test ties them). */
const version = z.literal(1);

/** Random id the caller gives a call. */
export const callIdSchema = z.string().regex(/^[0-9A-Za-z_-]{8,64}$/);

export const CALL_DECLINE_REASONS = [
  /** The callee said no. */
  'declined',
  /** The callee is in another call (or ringing for one); nobody was asked. */
  'busy',
  /**
   * The callee's device cannot take calls at all; nobody was asked. A browser page that is not a
   * secure context (http://<LAN address>, opened from the desktop's QR code) has no microphone:
   * browsers offer `navigator.mediaDevices` to secure contexts only.
   */
  'unavailable',
] as const;
export const callDeclineReasonSchema = z.enum(CALL_DECLINE_REASONS);
export type CallDeclineReason = z.infer<typeof callDeclineReasonSchema>;

export const CALL_END_REASONS = [
  /** Someone pressed Hang up (or closed Ferry). */
  'hung-up',
  /** The sender's side could not take part: no microphone, or audio never started flowing. */
  'failed',
] as const;
export const callEndReasonSchema = z.enum(CALL_END_REASONS);
export type CallEndMessageReason = z.infer<typeof callEndReasonSchema>;

/** Caller → callee: please ring. */
export const callInviteMessageSchema = z.object({
  v: version,
  type: z.literal('call:invite'),
  callId: callIdSchema,
});

/** Callee → caller: the person accepted; both sides now add their microphone track. */
export const callAcceptMessageSchema = z.object({
  v: version,
  type: z.literal('call:accept'),
  callId: callIdSchema,
});

export const callDeclineMessageSchema = z.object({
  v: version,
  type: z.literal('call:decline'),
  callId: callIdSchema,
  reason: callDeclineReasonSchema,
});

/** Caller → callee, before an answer: the caller gave up or the ring timed out. */
export const callCancelMessageSchema = z.object({
  v: version,
  type: z.literal('call:cancel'),
  callId: callIdSchema,
});

/** Either side, once the call was accepted: the call is over. */
export const callEndMessageSchema = z.object({
  v: version,
  type: z.literal('call:end'),
  callId: callIdSchema,
  reason: callEndReasonSchema,
});

/** Members for `peerMessageSchema`'s union in peer-protocol.ts. */
export const callMessageSchemas = [
  callInviteMessageSchema,
  callAcceptMessageSchema,
  callDeclineMessageSchema,
  callCancelMessageSchema,
  callEndMessageSchema,
] as const;

export type CallInviteMessage = z.infer<typeof callInviteMessageSchema>;
export type CallAcceptMessage = z.infer<typeof callAcceptMessageSchema>;
export type CallDeclineMessage = z.infer<typeof callDeclineMessageSchema>;
export type CallCancelMessage = z.infer<typeof callCancelMessageSchema>;
export type CallEndMessage = z.infer<typeof callEndMessageSchema>;
export type CallMessage =
  CallInviteMessage | CallAcceptMessage | CallDeclineMessage | CallCancelMessage | CallEndMessage;
