/** What a transfer sees of one live connection to a device. */
import type { OutgoingPeerMessage } from '../../../../contracts/peer-protocol';
import type { BulkLink } from './bulk-link';

/** The part of PeerSession transfers use: control messages. */
export interface TransferLinkSession {
  send(message: OutgoingPeerMessage): boolean;
}

export interface TransferLink {
  readonly deviceId: string;
  readonly session: TransferLinkSession;
  readonly bulk: BulkLink;
  /** A slot number not used by another transfer from this side on this connection. */
  allocateSlot(): number;
}

/** The manager's services a transfer calls back into. */
export interface TransferContext {
  now(): number;
  /** Reports a change; `urgent` for phase changes, otherwise progress is batched. */
  changed(key: string, urgent: boolean): void;
}
