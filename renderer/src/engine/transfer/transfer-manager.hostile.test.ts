/**
 * A paired peer that speaks the transfer protocol to exhaust the receiver: offers whose manifests
 * never finish, and (from a device whose offers are accepted automatically) transfers that never
 * end. What it gets is bounded; an honest sender still gets through.
 */
import { describe, expect, it } from 'vitest';
import type { PeerMessage } from '../../../../contracts/peer-protocol';
import { MAX_FILES_PER_TRANSFER, type ManifestFile } from '../../../../contracts/transfer';
import { FakeConnection, Side, memoryFiles, patternBytes, until } from './testing/transfer-harness';
import {
  MANIFEST_ASSEMBLY_TIMEOUT_MS,
  MAX_ASSEMBLING_PER_DEVICE,
  MAX_MANIFEST_CHARS,
  MAX_PENDING_OFFERS_PER_DEVICE,
} from './transfer-manager';

function setup() {
  const ada = new Side('ada-device');
  const bob = new Side('bob-device');
  const connection = new FakeConnection(ada, bob);
  // What Bob answers, as Ada (the hostile sender) sees it.
  const answers: PeerMessage[] = [];
  ada.observers.add({ message: (_device, message) => void answers.push(message) });
  /** Ada speaks the protocol directly, as a hostile peer would. */
  const hostile = (message: PeerMessage) => {
    for (const observer of bob.observers)
      observer.message?.('ada-device', message, { send: () => true } as never);
  };
  return { ada, bob, connection, answers, hostile };
}

const answersOf = (answers: PeerMessage[], type: PeerMessage['type']) =>
  answers.filter((message) => message.type === type);

function unfinishedOffer(n: number, fileCount: number): PeerMessage {
  return {
    v: 1,
    type: 'transfer:offer',
    transferId: `hostile-${String(n).padStart(6, '0')}`,
    slot: (n % 0xfff0) + 1,
    fileCount,
    totalBytes: fileCount,
    resume: false,
    files: [{ index: 0, path: `x${n}`, size: 1 }],
  };
}

describe('a hostile peer cannot pile up transfer state on the receiver', () => {
  it('unfinished manifests are capped per device: further offers are declined, not kept', async () => {
    const { bob, answers, hostile } = setup();
    for (let n = 0; n < 1_000; n++) hostile(unfinishedOffer(n, 1_000));
    await until(
      () => answersOf(answers, 'transfer:decline').length === 1_000 - MAX_ASSEMBLING_PER_DEVICE,
      'declines',
    );
    expect(bob.views.size).toBe(0);
  });

  it('the files announced by the manifests under way share one budget per device', async () => {
    const { answers, hostile } = setup();
    for (let n = 0; n < 100; n++) hostile(unfinishedOffer(n, MAX_FILES_PER_TRANSFER));
    await until(() => answersOf(answers, 'transfer:decline').length === 99, 'declines');
  });

  it('the paths of the manifests under way share one budget per device', async () => {
    const { answers, hostile } = setup();
    const path = 'p'.repeat(4000);
    // Two manifests, each well under the budget alone, together over it.
    const perManifest = Math.ceil(MAX_MANIFEST_CHARS / 2 / path.length) + 10;
    for (const id of [0, 1]) {
      hostile(unfinishedOffer(id, perManifest + 100));
      const transferId = `hostile-${String(id).padStart(6, '0')}`;
      for (let index = 1; index < perManifest; index += 15) {
        const files: ManifestFile[] = Array.from({ length: 15 }, (_, i) => ({
          index: index + i,
          path,
          size: 1,
        }));
        hostile({ v: 1, type: 'transfer:offer-files', transferId, files });
      }
    }
    await until(() => answersOf(answers, 'transfer:error').length >= 1, 'refused past the budget');
    expect(answersOf(answers, 'transfer:error')[0]).toMatchObject({ code: 'PROTOCOL_ERROR' });
  });

  it('an unfinished manifest expires, and the device can offer again', async () => {
    const { ada, bob, answers, hostile } = setup();
    let clock = 1_000_000;
    bob.now = () => clock;
    for (let n = 0; n < MAX_ASSEMBLING_PER_DEVICE + 1; n++) hostile(unfinishedOffer(n, 1_000));
    await until(() => answersOf(answers, 'transfer:decline').length === 1, 'the fifth declined');

    clock += MANIFEST_ASSEMBLY_TIMEOUT_MS + 1;
    bob.autoAccept = true;
    ada.manager.sendFiles('bob-device', memoryFiles([{ path: 'honest.txt', bytes: patternBytes(10) }]));
    await until(
      () => [...bob.views.values()].some((view) => view.phase === 'done'),
      'the honest transfer done',
    );
    expect(bob.sink.saved.size).toBe(1);
  });

  it('auto-accept does not lift the cap on unfinished transfers', async () => {
    const { bob, answers, hostile } = setup();
    bob.autoAccept = true;
    // Complete, valid offers whose bytes never come: each is accepted at once, and never ends.
    for (let n = 0; n < 100; n++) hostile(unfinishedOffer(n, 1));
    await until(
      () => answersOf(answers, 'transfer:decline').length === 100 - MAX_PENDING_OFFERS_PER_DEVICE,
      'declines',
    );
    expect(answersOf(answers, 'transfer:accept')).toHaveLength(MAX_PENDING_OFFERS_PER_DEVICE);
    expect(bob.views.size).toBe(MAX_PENDING_OFFERS_PER_DEVICE);
  });
});
