/**
 * What the CallManager needs from the machine's audio: a microphone, a level meter on it, and a
 * way to play the other side's audio. The browser implementation is browser-media.ts; tests
 * give fakes.
 */

export interface LevelMeter {
  /** The microphone's current level, linear 0..1 (RMS amplitude). */
  read(): number;
  close(): void;
}

export interface RemoteAudioPlayer {
  /** Plays this track of the other side, alongside any it plays already. */
  play(track: MediaStreamTrack): void;
  /** The speaker to play on, by `MediaDeviceInfo.deviceId`; '' for the system default. */
  setOutput(deviceId: string): Promise<void>;
  stop(): void;
}

export interface CallMedia {
  /**
   * Opens the microphone, by `MediaDeviceInfo.deviceId` ('' for the system default), with echo
   * cancellation, noise suppression and automatic gain on. Rejects when there is none or the
   * person refused.
   */
  openMicrophone(deviceId: string): Promise<MediaStream>;
  createLevelMeter(stream: MediaStream): LevelMeter;
  createPlayer(outputDeviceId: string): RemoteAudioPlayer;
  /**
   * Whether a microphone can be asked for here at all (absent: yes). A browser page that is not a
   * secure context has no `navigator.mediaDevices`: no call can start or be taken there.
   */
  canCapture?(): boolean;
}

/** The person's choice of devices, '' meaning the system default. */
export interface CallDevicePreferences {
  readonly input: string;
  readonly output: string;
}

export function stopStream(stream: MediaStream): void {
  for (const track of stream.getTracks()) track.stop();
}
