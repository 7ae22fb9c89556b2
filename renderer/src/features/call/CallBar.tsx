import { Mic, MicOff, PhoneOff } from 'lucide-react';
import { useEffect, useRef, useState } from 'react';
import { focusLost } from '../../ui/focus';
import type { CallView } from '../../engine/call/call-manager';
import { useFerry, useT } from '../../ui/ferry-context';
import { AudioDeviceFields } from './AudioDeviceFields';
import { useCalls } from './call-context';
import { formatCallDuration } from './call-text';
import { LevelMeter } from './LevelMeter';
import './call.css';

/** Re-renders every second while mounted. */
function useNow(intervalMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

function CallDuration({ since }: { since: number }) {
  const t = useT();
  const now = useNow(1000);
  return (
    <span className="call-duration" role="timer" aria-label={t('call.duration')}>
      {formatCallDuration(now - since)}
    </span>
  );
}

/**
 * The slim bar on top of the window while a call rings out, connects or runs: what is going on,
 * duration, both levels, quality in words, Mute and Hang up, and the audio devices.
 */
export function CallBar() {
  const call = useFerry((state) => state.call);
  if (!call || call.phase === 'incoming-ringing') return null;
  return <CallBarContent call={call} />;
}

function CallBarContent({ call }: { call: CallView }) {
  const t = useT();
  const calls = useCalls();
  const name = useFerry((state) => state.devices[call.peerId]?.name ?? '');
  const metrics = useFerry((state) => state.callMetrics);
  const talking = call.phase === 'connecting' || call.phase === 'in-call';
  const muteButton = useRef<HTMLButtonElement>(null);
  // Answering took focus with it (Accept went away with the ring): Mute is what one reaches for next.
  useEffect(() => {
    if (focusLost()) muteButton.current?.focus();
  }, []);

  return (
    <section className="call-bar" aria-label={t('call.barLabel', { name })}>
      <div className="call-row">
        <p className="call-status" role="status">
          {t(`call.phase.${call.phase}`, { name })}
        </p>
        {call.connectedAt !== null && <CallDuration since={call.connectedAt} />}
        {/* The label says what pressing does: "Mute", or "Unmute" while muted. */}
        <button
          ref={muteButton}
          type="button"
          className={`mute-button${call.muted ? ' muted' : ''}`}
          onClick={() => calls.toggleMute()}
        >
          {call.muted ? <MicOff aria-hidden="true" size={16} /> : <Mic aria-hidden="true" size={16} />}
          {call.muted ? t('call.unmute') : t('call.mute')}
        </button>
        <button type="button" className="danger" onClick={() => calls.hangUp()}>
          <PhoneOff aria-hidden="true" size={16} />
          {t('call.hangUp')}
        </button>
      </div>
      <div className="call-row">
        <LevelMeter label={t('call.levelYou')} level={metrics?.localLevel ?? 0} />
        {talking && <LevelMeter label={t('call.levelPeer', { name })} level={metrics?.remoteLevel ?? 0} />}
        {talking && (
          <p className="call-quality">
            {t('call.qualityLabel')}:{' '}
            <span className={`quality ${metrics?.quality ?? 'unknown'}`}>
              {t(`call.quality.${metrics?.quality ?? 'unknown'}`)}
            </span>
          </p>
        )}
        {call.muted && <p className="call-muted">{t('call.youAreMuted')}</p>}
      </div>
      <details className="call-devices">
        <summary>{t('call.devices')}</summary>
        <AudioDeviceFields />
      </details>
    </section>
  );
}
