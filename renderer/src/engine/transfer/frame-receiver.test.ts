import { describe, expect, it } from 'vitest';
import { encodeTransferFrame, type TransferFrame } from '../../../../contracts/transfer';
import { bytesFrom, isHeld, receiveFramesHere, type ReceivedFrame } from './frame-receiver';
import { FakeBulkChannel } from './testing/transfer-harness';

const message = (data: unknown) => ({ data }) as MessageEvent;

describe('bytesFrom', () => {
  it('cuts bytes in hand and held bytes alike, never past their end', () => {
    const bytes = Uint8Array.from([1, 2, 3, 4]);
    expect([...(bytesFrom(bytes, 1) as Uint8Array)]).toEqual([2, 3, 4]);
    const held = { held: 7, start: 16, byteLength: 100 };
    expect(bytesFrom(held, 40)).toEqual({ held: 7, start: 56, byteLength: 60 });
    expect(bytesFrom(held, 500)).toEqual({ held: 7, start: 116, byteLength: 0 });
    expect(isHeld(held)).toBe(true);
    expect(isHeld(bytes)).toBe(false);
  });
});

describe('receiveFramesHere', () => {
  it('delivers valid frames in order, drops what is not a frame, and nothing once closed', () => {
    const channel = new FakeBulkChannel();
    const got: ReceivedFrame[] = [];
    const receiver = receiveFramesHere((frame) => got.push(frame));
    receiver.adopt(channel);
    expect(channel.binaryType).toBe('arraybuffer');
    const frame: TransferFrame = { slot: 3, fileIndex: 1, offset: 42, payload: Uint8Array.from([9, 8, 7]) };
    channel.fire('message', message(encodeTransferFrame(frame).buffer));
    channel.fire('message', message('a string, not a frame'));
    channel.fire('message', message(new ArrayBuffer(5)));
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ slot: 3, fileIndex: 1, offset: 42 });
    expect([...(got[0]?.payload as Uint8Array)]).toEqual([9, 8, 7]);
    receiver.close();
    expect(channel.readyState).toBe('closed');
    channel.fire('message', message(encodeTransferFrame(frame).buffer));
    expect(got).toHaveLength(1);
  });
});
