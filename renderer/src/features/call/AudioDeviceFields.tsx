import { useEffect, useId, useState } from 'react';
import { canChooseSpeaker, listAudioDevices, type AudioDevices } from '../../engine/call/browser-media';
import { useFerry, useT } from '../../ui/ferry-context';
import { useCalls } from './call-context';

const NONE: AudioDevices = { inputs: [], outputs: [] };

/**
 * Microphone and speaker for calls. A change applies at once, also to a call in progress (the
 * new microphone replaces the old track without renegotiation).
 */
export function AudioDeviceFields() {
  const t = useT();
  const calls = useCalls();
  const chosen = useFerry((state) => state.callDevices);
  const setCallDevices = useFerry((state) => state.setCallDevices);
  const [devices, setDevices] = useState<AudioDevices>(NONE);
  const microphoneId = useId();
  const speakerId = useId();
  const hintId = useId();

  useEffect(() => {
    let live = true;
    const load = () => {
      listAudioDevices()
        .then((found) => {
          if (live) setDevices(found);
        })
        .catch(() => undefined);
    };
    load();
    navigator.mediaDevices?.addEventListener?.('devicechange', load);
    return () => {
      live = false;
      navigator.mediaDevices?.removeEventListener?.('devicechange', load);
    };
  }, []);

  const options = (list: AudioDevices['inputs']) => [
    <option key="" value="">
      {t('call.systemDefault')}
    </option>,
    ...list.map((device, index) => (
      <option key={device.deviceId} value={device.deviceId}>
        {device.label || t('call.unnamedDevice', { n: index + 1 })}
      </option>
    )),
  ];

  return (
    <div className="audio-devices">
      <label htmlFor={microphoneId}>{t('call.microphone')}</label>
      <select
        id={microphoneId}
        value={chosen.input}
        aria-describedby={hintId}
        onChange={(event) => {
          setCallDevices({ ...chosen, input: event.target.value });
          void calls.changeMicrophone().catch(() => undefined);
        }}
      >
        {options(devices.inputs)}
      </select>
      <p id={hintId} className="hint">
        {t('call.devicesHint')}
      </p>
      {canChooseSpeaker() ? (
        <>
          <label htmlFor={speakerId}>{t('call.speaker')}</label>
          <select
            id={speakerId}
            value={chosen.output}
            onChange={(event) => {
              setCallDevices({ ...chosen, output: event.target.value });
              void calls.changeSpeaker().catch(() => undefined);
            }}
          >
            {options(devices.outputs)}
          </select>
        </>
      ) : (
        <p className="hint">{t('call.speakerFixed')}</p>
      )}
    </div>
  );
}
