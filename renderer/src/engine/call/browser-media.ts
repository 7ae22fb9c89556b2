/**
 * CallMedia in a browser or Electron's renderer: getUserMedia for the microphone, a Web Audio
 * AnalyserNode for its level, and an <audio> element (with setSinkId where the browser has it)
 * for the other side.
 */
import type { CallMedia, LevelMeter, RemoteAudioPlayer } from './call-media';

/** On by default for calls: a laptop's speakers and microphone are close together. */
const VOICE_PROCESSING: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

export interface AudioDevice {
  readonly deviceId: string;
  readonly label: string;
}

export interface AudioDevices {
  readonly inputs: readonly AudioDevice[];
  readonly outputs: readonly AudioDevice[];
}

/** Microphones and speakers. Labels are empty until the page has had microphone access once. */
export async function listAudioDevices(): Promise<AudioDevices> {
  const devices = (await navigator.mediaDevices?.enumerateDevices?.()) ?? [];
  const pick = (kind: MediaDeviceKind) =>
    devices
      // 'default' and 'communications' are Chromium's aliases of real devices; '' is the default choice.
      .filter(
        (device) => device.kind === kind && !['default', 'communications', ''].includes(device.deviceId),
      )
      .map(({ deviceId, label }) => ({ deviceId, label }));
  return { inputs: pick('audioinput'), outputs: pick('audiooutput') };
}

/** Whether this browser can choose where audio plays. */
export function canChooseSpeaker(): boolean {
  return typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
}

async function openMicrophone(deviceId: string): Promise<MediaStream> {
  const media = navigator.mediaDevices;
  if (!media?.getUserMedia) throw new Error('no microphone access in this context');
  if (deviceId !== '') {
    try {
      return await media.getUserMedia({ audio: { ...VOICE_PROCESSING, deviceId: { exact: deviceId } } });
    } catch (error) {
      // The chosen microphone was unplugged: fall back to the default rather than fail the call.
      const gone =
        error instanceof DOMException && ['OverconstrainedError', 'NotFoundError'].includes(error.name);
      if (!gone) throw error;
    }
  }
  return media.getUserMedia({ audio: VOICE_PROCESSING, video: false });
}

function createLevelMeter(stream: MediaStream): LevelMeter {
  if (typeof AudioContext === 'undefined') return { read: () => 0, close: () => undefined };
  const context = new AudioContext();
  const source = context.createMediaStreamSource(stream);
  const analyser = context.createAnalyser();
  analyser.fftSize = 1024;
  source.connect(analyser);
  // A context made without a user gesture may start suspended (autoplay policy); a capturing page
  // may resume it.
  void context.resume().catch(() => undefined);
  const samples = new Float32Array(analyser.fftSize);
  return {
    read: () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const sample of samples) sum += sample * sample;
      return Math.sqrt(sum / samples.length);
    },
    close: () => {
      source.disconnect();
      void context.close().catch(() => undefined);
    },
  };
}

/** One <audio> element playing one remote track; autoplay refused waits for the next gesture. */
function createTrackElement(track: MediaStreamTrack) {
  const audio = new Audio();
  audio.autoplay = true;
  audio.srcObject = new MediaStream([track]);
  let retry: (() => void) | null = null;
  const stopRetrying = () => {
    if (!retry) return;
    window.removeEventListener('pointerdown', retry);
    window.removeEventListener('keydown', retry);
    retry = null;
  };
  audio.play().catch(() => {
    // Autoplay refused (no user gesture yet): start at the person's next click or key.
    retry = () => {
      stopRetrying();
      void audio.play().catch(() => undefined);
    };
    window.addEventListener('pointerdown', retry);
    window.addEventListener('keydown', retry);
  });
  return {
    audio,
    stop: () => {
      stopRetrying();
      audio.pause();
      audio.srcObject = null;
    },
  };
}

/**
 * Plays every audio track the other side's call brings. Usually that is one, but renegotiation
 * can leave a second audio transceiver (simple-peer adds one when the non-initiator asks for it),
 * and only the one that carries sound is audible; Chromium decodes (and counts in getStats) only
 * tracks that something plays, so each gets its own element.
 */
function createPlayer(outputDeviceId: string): RemoteAudioPlayer {
  const elements = new Map<string, ReturnType<typeof createTrackElement>>();
  let output = outputDeviceId;
  const route = async (audio: HTMLAudioElement) => {
    if (!canChooseSpeaker()) return;
    try {
      await audio.setSinkId(output);
    } catch {
      // The speaker is gone or not allowed: audio stays on the current one.
    }
  };
  return {
    play: (track) => {
      if (elements.has(track.id)) return;
      const element = createTrackElement(track);
      elements.set(track.id, element);
      void route(element.audio);
    },
    setOutput: async (deviceId) => {
      output = deviceId;
      await Promise.all([...elements.values()].map((element) => route(element.audio)));
    },
    stop: () => {
      for (const element of elements.values()) element.stop();
      elements.clear();
    },
  };
}

/** Browsers expose the microphone to secure contexts only (https, localhost, 127.0.0.0/8). */
function canCapture(): boolean {
  return typeof navigator !== 'undefined' && typeof navigator.mediaDevices?.getUserMedia === 'function';
}

export const browserCallMedia: CallMedia = { openMicrophone, createLevelMeter, createPlayer, canCapture };
