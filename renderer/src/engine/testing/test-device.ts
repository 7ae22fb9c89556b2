/**
 * A device for the engine's tests in Node with real WebRTC: a FerryEngine on a fresh test
 * identity, reporting into RecordingActions. Each test file passes what it varies (the services,
 * mirrors) and where the engine is to be disposed of.
 */
import { FerryEngine, type EngineDeps } from '../engine';
import { RecordingActions } from './recording-actions';
import { testIdentity } from './test-identity';

export interface TestDevice {
  readonly id: string;
  readonly engine: FerryEngine;
  readonly actions: RecordingActions;
}

/** What a test may set; the actions and the identity are the device's own. */
export type TestDeviceOptions = Omit<EngineDeps, 'actions' | 'identity' | 'extraIceServers'> &
  Partial<Pick<EngineDeps, 'extraIceServers'>>;

/** A device named `name`; `onMade` gets its engine (to dispose of it after the test). */
export function testDevice(
  name: string,
  options: TestDeviceOptions,
  onMade: (engine: FerryEngine) => void,
): TestDevice {
  const actions = new RecordingActions();
  const identity = testIdentity(name);
  const engine = new FerryEngine({
    extraIceServers: () => [],
    ...options,
    actions,
    identity: () => identity,
  });
  onMade(engine);
  return { id: identity.deviceId, engine, actions };
}

/** The opener shows a code; resolves with it once shown. */
export async function codeShownBy(opener: TestDevice): Promise<string> {
  opener.engine.showMyCode();
  await opener.actions.until(() => opener.actions.lastProgress?.phase === 'showing-code');
  const shown = opener.actions.lastProgress;
  if (shown?.phase !== 'showing-code') throw new Error('no code shown');
  return shown.code;
}
