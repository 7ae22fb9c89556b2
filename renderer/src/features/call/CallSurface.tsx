import { CallBar } from './CallBar';
import { IncomingCallDialog } from './IncomingCallDialog';

/** On top of whatever the window shows: the ring, or the bar of the call in progress. */
export function CallSurface() {
  return (
    <div className="call-surface">
      <IncomingCallDialog />
      <CallBar />
    </div>
  );
}
